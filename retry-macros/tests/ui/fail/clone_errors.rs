use retry_core::retry;

struct Client;

impl Client {
    #[retry(clone(requst, borrowed, body, body, self, other))]
    fn call(&self, request: String, borrowed: &str, body: Vec<u8>) -> Result<(), ()> {
        drop((request, borrowed, body));
        Ok(())
    }
}

fn main() {
    let _ = Client.call(String::new(), "", Vec::new());
}
