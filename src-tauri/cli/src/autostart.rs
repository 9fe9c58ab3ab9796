//! Starting the resident process at login: an XDG autostart entry on Linux. The choice is kept
//! in the database so the window shows it.

use herald_core::{CoreError, CoreResult, Store};

/// Turns autostart on or off and records the choice.
pub async fn set(store: &Store, enabled: bool) -> CoreResult<()> {
    let entry = entry_path()?;
    if enabled {
        let exe = std::env::current_exe()
            .map_err(|err| CoreError::io("cannot find Herald's own binary", err))?;
        if let Some(dir) = entry.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|err| CoreError::io(format!("cannot create {}", dir.display()), err))?;
        }
        std::fs::write(&entry, desktop_entry(&exe.to_string_lossy()))
            .map_err(|err| CoreError::io(format!("cannot write {}", entry.display()), err))?;
    } else if let Err(err) = std::fs::remove_file(&entry) {
        if err.kind() != std::io::ErrorKind::NotFound {
            return Err(CoreError::io(
                format!("cannot remove {}", entry.display()),
                err,
            ));
        }
    }
    store.set_autostart(enabled).await
}

/// `$XDG_CONFIG_HOME/autostart/herald.desktop`.
fn entry_path() -> CoreResult<std::path::PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".config")))
        .ok_or_else(|| CoreError::Unavailable("cannot find the user's config directory".into()))?;
    Ok(config.join("autostart").join("herald.desktop"))
}

fn desktop_entry(exe: &str) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName=Herald (background publishing)\n\
         Comment=Publishes scheduled posts while the Herald window is closed\n\
         Exec=\"{exe}\" tray\nIcon=herald\nTerminal=false\nNoDisplay=true\n\
         X-GNOME-Autostart-enabled=true\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_starts_the_tray() {
        let entry = desktop_entry("/opt/herald/herald");
        assert!(entry.contains("Exec=\"/opt/herald/herald\" tray"));
        assert!(entry.starts_with("[Desktop Entry]"));
    }
}
