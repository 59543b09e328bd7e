/// The version of pals, printed by `pals --version`: the one place it is written.
public enum PalsVersion {
    /// The version, e.g. `0.2.0`.
    public static let current = "0.2.0"
}
