fn main() {
    herald_desktop::run()
}
