//! `crate = ".."` for a renamed or re-exported `retry_core`.
mod support {
    pub use retry_core as runtime;
}

use retry_core::retry;

#[retry(crate = "support::runtime", stop = attempts(2), wait = none, retry = transient)]
fn through_reexport(calls: &mut u32) -> std::io::Result<()> {
    *calls += 1;
    Err(std::io::ErrorKind::TimedOut.into())
}

fn main() {
    let mut calls = 0;
    assert!(through_reexport(&mut calls).is_err());
    assert_eq!(calls, 2);
}
