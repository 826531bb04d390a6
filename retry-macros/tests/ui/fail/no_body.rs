use retry_core::retry;

trait Api {
    #[retry(stop = attempts(3))]
    fn call(&self) -> Result<(), ()>;
}

fn main() {}
