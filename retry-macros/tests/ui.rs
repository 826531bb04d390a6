//! Compile tests: every function shape `#[retry]` supports compiles and runs (`ui/pass`), every
//! mistake it refuses gets the error pinned in the `.stderr` next to it (`ui/fail`), and the
//! expansion snapshots in `expand/` are real programs. Regenerate `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p retry-macros --test ui`, then read every diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.pass("tests/expand/*.expanded.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
