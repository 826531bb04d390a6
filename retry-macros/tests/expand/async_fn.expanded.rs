// @generated from the file of the same name without `.expanded`: do not edit.
//! An async function: each attempt is an async block awaited in place, and so is each sleep.
use std::io;
async fn fetch(url: &str) -> io::Result<String> {
    let mut __engine = ::retry_core::__private::Engine::<
        _,
        <io::Result<String> as ::retry_core::__private::ResultLike>::Ok,
        <io::Result<String> as ::retry_core::__private::ResultLike>::Err,
    >::new(const {
            &::retry_core::__private::const_policy(
                ::retry_core::__private::stop::attempts(3),
                ::retry_core::__private::wait_strategy::<
                    <io::Result<String> as ::retry_core::__private::ResultLike>::Ok,
                    <io::Result<String> as ::retry_core::__private::ResultLike>::Err,
                    _,
                >(
                    ::retry_core::__private::wait::Fixed::new(
                        ::retry_core::__private::Duration::from_secs(2),
                    ),
                ),
                ::retry_core::__private::retry_condition::<
                    <io::Result<String> as ::retry_core::__private::ResultLike>::Ok,
                    <io::Result<String> as ::retry_core::__private::ResultLike>::Err,
                    _,
                >(::retry_core::__private::condition::transient()),
                ::retry_core::__private::Timeout::new(
                    ::core::option::Option::Some(
                        ::retry_core::__private::attempt_timeout::<
                            <io::Result<
                                String,
                            > as ::retry_core::__private::ResultLike>::Err,
                        >(::retry_core::__private::Duration::from_secs(1)),
                    ),
                ),
                "fetch",
            )
        })
        .describe_errors_with({
            #[allow(unused_imports)]
            use ::retry_core::__private::{
                DescribeWithDebug as _, DescribeWithDisplay as _,
                DescribeWithNothing as _,
            };
            (&&&::retry_core::__private::DescribeProbe::<
                <io::Result<String> as ::retry_core::__private::ResultLike>::Err,
            >::new())
                .describer()
        });
    loop {
        __engine.before_attempt();
        let __value = __engine
            .guard_attempt(async {
                <io::Result<
                    String,
                > as ::retry_core::__private::ResultLike>::into_result(
                    ::retry_core::__private::attempt::<
                        io::Result<String>,
                        _,
                    >(async {
                            if url.is_empty() {
                                return Err(io::ErrorKind::InvalidInput.into());
                            }
                            let body = download(url).await?;
                            Ok(body)
                        })
                        .await,
                )
            })
            .await;
        let __value = __engine.finish_attempt(__value);
        let __delay = match __engine.on_outcome(__value) {
            ::retry_core::__private::Step::Retry(__delay) => __delay,
            ::retry_core::__private::Step::Done(__outcome) => {
                return <io::Result<
                    String,
                > as ::retry_core::__private::ResultLike>::from_result(__outcome);
            }
        };
        __engine.sleep(__delay).await;
    }
}
async fn download(url: &str) -> io::Result<String> {
    tokio::task::yield_now().await;
    Ok(format!("contents of {url}"))
}
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let err = fetch("").await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(fetch("a"). await .unwrap(), "contents of a");
}
