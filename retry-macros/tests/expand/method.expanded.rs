// @generated from the file of the same name without `.expanded`: do not edit.
//! Methods: `&mut self` async with `RetryError`, and `&self` sync with `if_result` on `Option`.
use retry_core::RetryError;
pub struct Client {
    pub calls: u32,
}
impl Client {
    pub async fn call(&mut self, prompt: &str) -> Result<String, RetryError<String>> {
        let mut __engine = ::retry_core::__private::Engine::<
            _,
            String,
            String,
        >::new(const {
                &::retry_core::__private::const_policy(
                    ::retry_core::__private::stop::attempts(3),
                    ::retry_core::__private::wait_strategy::<
                        String,
                        String,
                        _,
                    >(::retry_core::__private::wait::none()),
                    ::retry_core::__private::condition::on_error(),
                    ::retry_core::__private::NoTimeout,
                    "call",
                )
            })
            .describe_errors_with({
                #[allow(unused_imports)]
                use ::retry_core::__private::{
                    DescribeWithDebug as _, DescribeWithDisplay as _,
                    DescribeWithNothing as _,
                };
                (&&&::retry_core::__private::DescribeProbe::<String>::new()).describer()
            })
            .measure_from_start();
        loop {
            __engine.before_attempt();
            let __value = ::retry_core::__private::attempt::<
                Result<String, String>,
                _,
            >(async {
                    self.calls += 1;
                    Err(format!("{prompt}: unavailable"))
                })
                .await;
            let __delay = match __engine.on_outcome(__value) {
                ::retry_core::__private::Step::Retry(__delay) => __delay,
                ::retry_core::__private::Step::Done(__outcome) => {
                    return match __outcome {
                        ::retry_core::__private::Ok(value) => {
                            ::retry_core::__private::Ok(value)
                        }
                        ::retry_core::__private::Err(error) => {
                            ::retry_core::__private::Err(__engine.retry_error(error))
                        }
                    };
                }
            };
            __engine.sleep(__delay).await;
        }
    }
    pub fn lookup(&self, key: u32) -> Option<u32> {
        let __policy = ::retry_core::__private::Retrying::new()
            .stop(::retry_core::__private::stop::attempts(2))
            .wait(
                ::retry_core::__private::wait_strategy::<
                    Option<u32>,
                    ::retry_core::__private::Infallible,
                    _,
                >(::retry_core::__private::wait::none()),
            )
            .retry(
                ::retry_core::__private::retry_condition::<
                    Option<u32>,
                    ::retry_core::__private::Infallible,
                    _,
                >(
                    ::retry_core::__private::condition::if_result::<
                        Option<u32>,
                        _,
                    >(|r| r.is_none()),
                ),
            )
            .name("lookup");
        let mut __engine = ::retry_core::__private::Engine::<
            _,
            Option<u32>,
            ::retry_core::__private::Infallible,
        >::new(&__policy);
        loop {
            __engine.before_attempt();
            #[allow(clippy::redundant_closure_call)]
            let __value = (|| -> Option<u32> { (key > 10).then_some(key) })();
            let __value = ::retry_core::__private::Ok::<
                _,
                ::retry_core::__private::Infallible,
            >(__value);
            let __delay = match __engine.on_outcome(__value) {
                ::retry_core::__private::Step::Retry(__delay) => __delay,
                ::retry_core::__private::Step::Done(__outcome) => {
                    return ::retry_core::__private::into_value(__outcome);
                }
            };
            __engine.sleep_blocking(__delay);
        }
    }
}
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut client = Client { calls: 0 };
    let err = client.call("hi").await.unwrap_err();
    assert_eq!((err.attempts(), client.calls), (3, 3));
    assert_eq!(client.lookup(3), None);
}
