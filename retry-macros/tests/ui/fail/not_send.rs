//! A body that holds an `Rc` across an `.await` makes the retried future not `Send`: the
//! expansion adds no `Send` of its own, and hides none.
use retry_core::retry;
use std::rc::Rc;

#[retry(stop = attempts(2), wait = none)]
async fn holds_rc(n: u32) -> Result<u32, std::io::Error> {
    let shared = Rc::new(n);
    tokio::task::yield_now().await;
    Ok(*shared)
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_send(holds_rc(1));
}
