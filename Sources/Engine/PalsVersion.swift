/// The version of pals, printed by `pals --version`: the one place it is written.
package enum PalsVersion {
    /// The version, e.g. `0.2.0`.
    package static let current = "0.2.0"
}
