@main
struct Pals {
    static func main() {}
}
