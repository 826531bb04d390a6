//! The OpenAI-compatible chat-completions wire format, and a client that makes exactly one
//! attempt per call (retrying is the caller's policy's job).

use std::time::Duration;

use retry_core::http::HttpError;
use serde::{Deserialize, Serialize};

/// One message of a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user`, `assistant`, `developer` or `tool`.
    pub role: String,
    /// The text.
    pub content: String,
}

impl Message {
    /// A `user` message.
    ///
    /// ```
    /// let m = retry_examples::chat::Message::user("hi");
    /// assert_eq!((m.role.as_str(), m.content.as_str()), ("user", "hi"));
    /// ```
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: "user".to_string(),
            content: content.into(),
        }
    }
}

/// A `POST /v1/chat/completions` request body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// The model name.
    pub model: String,
    /// The conversation so far.
    pub messages: Vec<Message>,
    /// The longest answer wanted, in tokens (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<i64>,
}

impl ChatRequest {
    /// A one-message request.
    ///
    /// ```
    /// let r = retry_examples::chat::ChatRequest::new("gpt-4.1", "Say hi");
    /// assert_eq!(r.messages.len(), 1);
    /// assert_eq!(r.max_tokens, None);
    /// ```
    pub fn new(model: impl Into<String>, prompt: impl Into<String>) -> Self {
        ChatRequest {
            model: model.into(),
            messages: vec![Message::user(prompt)],
            max_tokens: None,
        }
    }

    /// Sets `max_tokens`.
    ///
    /// ```
    /// let r = retry_examples::chat::ChatRequest::new("m", "p").max_tokens(64);
    /// assert_eq!(r.max_tokens, Some(64));
    /// ```
    pub fn max_tokens(mut self, max_tokens: i64) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }
}

/// A chat-completions response (the fields this project reads).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatResponse {
    /// The completion's id.
    pub id: String,
    /// The model that answered.
    pub model: String,
    /// The answers (one here).
    pub choices: Vec<Choice>,
    /// Token counts.
    pub usage: Usage,
}

impl ChatResponse {
    /// The first answer's text.
    ///
    /// ```
    /// use retry_examples::chat::*;
    /// let r = ChatResponse {
    ///     id: "1".into(),
    ///     model: "m".into(),
    ///     choices: vec![Choice { index: 0, message: Message { role: "assistant".into(), content: "hi".into() }, finish_reason: "stop".into() }],
    ///     usage: Usage::default(),
    /// };
    /// assert_eq!(r.text(), "hi");
    /// ```
    pub fn text(&self) -> &str {
        self.choices
            .first()
            .map_or("", |choice| choice.message.content.as_str())
    }
}

/// One answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Its position.
    pub index: u32,
    /// The assistant's message.
    pub message: Message,
    /// Why generation stopped.
    pub finish_reason: String,
}

/// Token counts of a completion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Tokens in the prompt.
    pub prompt_tokens: u64,
    /// Tokens in the answer.
    pub completion_tokens: u64,
    /// Both.
    pub total_tokens: u64,
}

/// Makes rustls use `ring` (the client is built with `rustls-no-provider`, so no C/CMake build of
/// another crypto library is needed). Idempotent.
///
/// ```
/// retry_examples::chat::install_crypto_provider();
/// retry_examples::chat::install_crypto_provider();
/// ```
pub fn install_crypto_provider() {
    // An error means a provider is installed already, which is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A reqwest client builder with the crypto provider installed and a connect timeout; the
/// per-attempt timeout belongs to the retry policy.
///
/// ```
/// let client = retry_examples::chat::http_client().build().unwrap();
/// # let _ = client;
/// ```
pub fn http_client() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder().connect_timeout(Duration::from_secs(10))
}

/// A chat-completions client for one endpoint. [`ChatClient::complete`] makes one attempt and
/// classifies its failure as an [`HttpError`]; wrap it in a retry policy.
#[derive(Clone, Debug)]
pub struct ChatClient {
    http: reqwest::Client,
    endpoint: String,
    api_key: Option<String>,
}

impl ChatClient {
    /// A client for `base_url` (such as `https://api.openai.com/v1`, or a mock server's
    /// [`base_url`](crate::mock_server::MockServer::base_url)), sending `api_key` as a bearer
    /// token when given.
    ///
    /// ```
    /// let client = retry_examples::chat::ChatClient::new("http://127.0.0.1:9/v1", None).unwrap();
    /// assert_eq!(client.endpoint(), "http://127.0.0.1:9/v1/chat/completions");
    /// ```
    pub fn new(base_url: &str, api_key: Option<String>) -> Result<Self, reqwest::Error> {
        Ok(ChatClient {
            http: http_client().build()?,
            endpoint: format!("{}/chat/completions", base_url.trim_end_matches('/')),
            api_key,
        })
    }

    /// The URL requests go to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// One attempt: sends `request` and returns the completion, or the failure as an
    /// [`HttpError`] (status with its `Retry-After` hint, transport error, or undecodable body).
    pub async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, HttpError> {
        let mut builder = self.http.post(&self.endpoint).json(request);
        if let Some(key) = &self.api_key {
            builder = builder.bearer_auth(key);
        }
        let response = HttpError::check(builder.send().await?)
            .await
            .map_err(api_message)?;
        Ok(response.json::<ChatResponse>().await?)
    }
}

/// Replaces an OpenAI-style error body (`{"error": {"message": ...}}`) with its message.
fn api_message(error: HttpError) -> HttpError {
    #[derive(Deserialize)]
    struct Body {
        error: Detail,
    }
    #[derive(Deserialize)]
    struct Detail {
        message: String,
    }
    match error {
        HttpError::Status(status) => {
            let message = status
                .body()
                .and_then(|body| serde_json::from_str::<Body>(body).ok())
                .map(|body| body.error.message);
            match message {
                Some(message) => HttpError::Status(status.with_body(message)),
                None => HttpError::Status(status),
            }
        }
        other => other,
    }
}
