//! The tray icon. On Linux it is a StatusNotifierItem spoken over D-Bus (`ksni`), so no GTK is
//! loaded; its menu is *Open Herald*, *Pause/Resume publishing*, *Quit Herald*.

use tokio::sync::mpsc::UnboundedSender;

use super::TrayCommand;

#[cfg(target_os = "linux")]
pub use linux::spawn;

#[cfg(not(target_os = "linux"))]
pub use other::spawn;

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use ksni::menu::StandardItem;
    use ksni::{MenuItem, OfflineReason, ToolTip, TrayMethods};

    use super::*;

    /// The icon's pixels, drawn once (ARGB32, network byte order).
    const ICON_SIZE: i32 = 32;

    struct HeraldTray {
        commands: UnboundedSender<TrayCommand>,
        paused: bool,
        /// Whether a tray host (StatusNotifierWatcher) currently shows the icon.
        shown: Arc<AtomicBool>,
    }

    impl HeraldTray {
        fn send(&self, command: TrayCommand) {
            let _ = self.commands.send(command);
        }
    }

    impl ksni::Tray for HeraldTray {
        fn id(&self) -> String {
            "herald".into()
        }

        fn title(&self) -> String {
            "Herald".into()
        }

        fn icon_name(&self) -> String {
            "herald".into()
        }

        fn icon_pixmap(&self) -> Vec<ksni::Icon> {
            vec![ksni::Icon {
                width: ICON_SIZE,
                height: ICON_SIZE,
                data: draw_icon(self.paused),
            }]
        }

        fn tool_tip(&self) -> ToolTip {
            ToolTip {
                title: "Herald".into(),
                description: if self.paused {
                    "Publishing is paused".into()
                } else {
                    "Publishing scheduled posts".into()
                },
                ..Default::default()
            }
        }

        fn activate(&mut self, _x: i32, _y: i32) {
            self.send(TrayCommand::OpenWindow);
        }

        fn menu(&self) -> Vec<MenuItem<Self>> {
            let paused = self.paused;
            vec![
                StandardItem {
                    label: "Open Herald".into(),
                    activate: Box::new(|tray: &mut Self| tray.send(TrayCommand::OpenWindow)),
                    ..Default::default()
                }
                .into(),
                MenuItem::Separator,
                StandardItem {
                    label: if paused {
                        "Resume publishing"
                    } else {
                        "Pause publishing"
                    }
                    .into(),
                    activate: Box::new(move |tray: &mut Self| {
                        tray.send(TrayCommand::SetPaused(!paused))
                    }),
                    ..Default::default()
                }
                .into(),
                MenuItem::Separator,
                StandardItem {
                    label: "Quit Herald".into(),
                    activate: Box::new(|tray: &mut Self| tray.send(TrayCommand::Quit)),
                    ..Default::default()
                }
                .into(),
            ]
        }

        fn watcher_online(&self) {
            self.shown.store(true, Ordering::SeqCst);
            self.send(TrayCommand::IconShown(true));
        }

        fn watcher_offline(&self, reason: OfflineReason) -> bool {
            tracing::info!(
                ?reason,
                "no tray host: publishing continues without an icon"
            );
            self.shown.store(false, Ordering::SeqCst);
            self.send(TrayCommand::IconShown(false));
            // Keep the service: the host may appear later.
            true
        }
    }

    /// The running tray icon.
    pub struct TrayIcon {
        handle: ksni::Handle<HeraldTray>,
    }

    impl TrayIcon {
        /// Shows the paused state in the menu and icon.
        pub async fn show_paused(&self, paused: bool) {
            self.handle.update(|tray| tray.paused = paused).await;
        }

        /// Removes the icon.
        pub async fn shutdown(self) {
            self.handle.shutdown().await;
        }
    }

    /// Starts the icon; `None` when there is no session bus at all (SSH, a bare server).
    pub async fn spawn(commands: UnboundedSender<TrayCommand>, paused: bool) -> Option<TrayIcon> {
        let shown = Arc::new(AtomicBool::new(true));
        let tray = HeraldTray {
            commands: commands.clone(),
            paused,
            shown: shown.clone(),
        };
        match tray.assume_sni_available(true).spawn().await {
            Ok(handle) => {
                // Registration succeeded unless watcher_offline said otherwise during spawn.
                let _ = commands.send(TrayCommand::IconShown(shown.load(Ordering::SeqCst)));
                Some(TrayIcon { handle })
            }
            Err(err) => {
                tracing::warn!(%err, "no tray icon (no D-Bus session?); publishing continues");
                None
            }
        }
    }

    /// A round badge: Herald's orange, grey while paused, with a white "H".
    fn draw_icon(paused: bool) -> Vec<u8> {
        let (r, g, b) = if paused {
            (0x8a, 0x8f, 0x98)
        } else {
            (0xe8, 0x5d, 0x2a)
        };
        let size = ICON_SIZE as usize;
        let centre = (size as f32 - 1.0) / 2.0;
        let mut data = Vec::with_capacity(size * size * 4);
        for y in 0..size {
            for x in 0..size {
                let (dx, dy) = (x as f32 - centre, y as f32 - centre);
                let inside = (dx * dx + dy * dy).sqrt() <= centre;
                let letter = (9..=11).contains(&x) && (8..=23).contains(&y)
                    || (20..=22).contains(&x) && (8..=23).contains(&y)
                    || (12..=19).contains(&x) && (15..=16).contains(&y);
                let pixel = match (inside, letter) {
                    (false, _) => [0, 0, 0, 0],
                    (true, true) => [0xff, 0xff, 0xff, 0xff],
                    (true, false) => [0xff, r, g, b],
                };
                data.extend_from_slice(&pixel);
            }
        }
        data
    }
}

#[cfg(not(target_os = "linux"))]
mod other {
    use super::*;

    /// No tray icon on this OS yet: publishing continues without one.
    pub struct TrayIcon;

    impl TrayIcon {
        pub async fn show_paused(&self, _paused: bool) {}
        pub async fn shutdown(self) {}
    }

    pub async fn spawn(_commands: UnboundedSender<TrayCommand>, _paused: bool) -> Option<TrayIcon> {
        None
    }
}
