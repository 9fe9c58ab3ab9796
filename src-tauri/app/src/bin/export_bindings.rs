//! Writes the UI's typed IPC bindings: `export-bindings [path]`
//! (default `ui/src/lib/backend/bindings.ts`).

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ui/src/lib/backend/bindings.ts".to_owned());
    if let Err(err) = herald_desktop::export_bindings(std::path::Path::new(&path)) {
        eprintln!("export-bindings: {err}");
        std::process::exit(1);
    }
    println!("wrote {path}");
}
