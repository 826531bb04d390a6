// @generated from the file of the same name without `.expanded`: do not edit.
//! A sync function: the body runs as a closure call per attempt, sleeps block.
use retry_core::testing::TestClock;
#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
}
/// Reads a value, retrying server errors.
pub fn read(clock: &TestClock, calls: &mut u32) -> Result<u32, ApiError> {
    let __policy = ::retry_core::__private::Retrying::new()
        .stop(
            ::retry_core::__private::stop::attempts(4)
                | ::retry_core::__private::stop::after_delay(
                    ::retry_core::__private::Duration::from_secs(30),
                ),
        )
        .wait(
            ::retry_core::__private::wait_strategy::<
                u32,
                ApiError,
                _,
            >(
                ::retry_core::__private::wait::exponential(
                    ::retry_core::__private::Duration::from_millis(500),
                    ::retry_core::__private::Duration::from_secs(1),
                    ::retry_core::__private::Duration::from_secs(10),
                )
                    + ::retry_core::__private::wait::random(
                        ::retry_core::__private::Duration::from_secs(0),
                        ::retry_core::__private::Duration::from_millis(250),
                    ),
            ),
        )
        .retry(
            ::retry_core::__private::retry_condition::<
                u32,
                ApiError,
                _,
            >(
                ::retry_core::__private::condition::if_error::<
                    ApiError,
                    _,
                >(|e| e.status >= 500),
            ),
        )
        .before_sleep(
            ::retry_core::__private::hook::<
                u32,
                ApiError,
                _,
            >(|s| eprintln!("attempt {} failed", s.attempt())),
        )
        .sleeper(clock.clone())
        .name("read");
    let mut __engine = ::retry_core::__private::Engine::<
        _,
        u32,
        ApiError,
    >::new(&__policy)
        .describe_errors_with({
            #[allow(unused_imports)]
            use ::retry_core::__private::{
                DescribeWithDebug as _, DescribeWithDisplay as _,
                DescribeWithNothing as _,
            };
            (&&&::retry_core::__private::DescribeProbe::<ApiError>::new()).describer()
        });
    loop {
        __engine.before_attempt();
        #[allow(clippy::redundant_closure_call)]
        let __value = (|| -> Result<u32, ApiError> {
            *calls += 1;
            if *calls < 3 {
                return Err(ApiError { status: 503 });
            }
            Ok(*calls)
        })();
        let __delay = match __engine.on_outcome(__value) {
            ::retry_core::__private::Step::Retry(__delay) => __delay,
            ::retry_core::__private::Step::Done(__outcome) => return __outcome,
        };
        __engine.sleep_blocking(__delay);
    }
}
fn main() {
    let clock = TestClock::new();
    let mut calls = 0;
    assert_eq!(read(& clock, & mut calls).unwrap(), 3);
    assert_eq!(clock.sleeps().len(), 2);
}
