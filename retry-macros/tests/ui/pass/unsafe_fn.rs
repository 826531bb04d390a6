//! `unsafe fn`, sync and async.
use retry_core::retry;

/// # Safety
/// `ptr` must be valid for reads.
#[retry(stop = attempts(2), wait = none)]
unsafe fn read(ptr: *const u32) -> Result<u32, ()> {
    // SAFETY: the caller guarantees `ptr` is valid.
    Ok(unsafe { *ptr })
}

/// # Safety
/// `ptr` must be valid for reads.
#[retry(stop = attempts(2), wait = none)]
async unsafe fn read_async(ptr: *const u32) -> Result<u32, ()> {
    // SAFETY: the caller guarantees `ptr` is valid.
    Ok(unsafe { *ptr } + 1)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let x = 41;
    // SAFETY: `x` lives across both calls.
    unsafe {
        assert_eq!(read(&x), Ok(41));
        assert_eq!(read_async(&x).await, Ok(42));
    }
}
