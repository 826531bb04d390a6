use retry_core::retry;

#[retry(stop = attempts(3))]
struct Client {
    calls: u32,
}

fn main() {
    let _ = Client { calls: 0 }.calls;
}
