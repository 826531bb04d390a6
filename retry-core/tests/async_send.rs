use retry_core::Retrying;
use retry_core::stop::attempts;
use retry_core::wait::fixed;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

#[tokio::test(start_paused = true)]
async fn spawned_plain_closure() {
    let counter = Arc::new(AtomicU32::new(0));
    let c = counter.clone();
    let h = tokio::spawn(async move {
        let policy = Retrying::new().stop(attempts(3)).wait(fixed(1));
        policy
            .call_async(|| {
                let c = c.clone();
                async move {
                    let n = c.fetch_add(1, Ordering::SeqCst) + 1;
                    tokio::task::yield_now().await;
                    if n < 3 { Err("x") } else { Ok(n) }
                }
            })
            .await
    });
    assert_eq!(h.await.unwrap(), Ok(3));
}
