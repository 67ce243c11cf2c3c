//! A fake Telegram Bot API on 127.0.0.1, for end-to-end tests and the load test.
//!
//! It speaks the real wire protocol teloxide speaks (JSON and multipart bodies, PascalCase
//! method names, `{"ok": true, "result": ...}` answers, long-polled `getUpdates`) and checks
//! what a real server checks where a bug would hide: the token, HTML parse mode (unknown
//! tags, stray `&`, unclosed tags), the 4096/1024 length limits after entity parsing, 1-64
//! bytes of callback data, "message is not modified". Tests queue updates, inject faults
//! (429, a stalled response, a refusal), block a chat, and read back every call made.
//!
//! Self-contained (no `super::`), so that the load test example can include it by path.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, watch};

/// The token the fake accepts.
pub const TOKEN: &str = "123456789:FAKE-token_for-tests-only_z9";
/// The bot's own user id and name.
pub const BOT_ID: i64 = 123_456_789;
pub const BOT_USERNAME: &str = "gutskin_test_bot";

/// One Bot API call the bot made (`getUpdates` aside).
#[derive(Clone, Debug)]
pub struct Call {
    /// The method, lowercased (`sendmessage`).
    pub method: String,
    /// Its parameters; multipart fields as strings, files as `{"file_name", "size"}`,
    /// `reply_markup` parsed.
    pub params: Value,
    /// When it arrived.
    pub at: Instant,
    /// The HTTP status answered.
    pub status: u16,
    /// The id of the message it created or edited, when it succeeded.
    pub message_id: Option<i64>,
}

impl Call {
    pub fn is(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }

    pub fn ok(&self) -> bool {
        self.status == 200
    }

    /// The chat it went to (`chat_id`, a number in JSON and a string in multipart).
    pub fn chat(&self) -> Option<i64> {
        match self.params.get("chat_id")? {
            Value::Number(number) => number.as_i64(),
            Value::String(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// `text`, or `caption` for a file.
    pub fn text(&self) -> &str {
        self.params
            .get("text")
            .or_else(|| self.params.get("caption"))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Every button's callback data, row by row.
    pub fn button_data(&self) -> Vec<String> {
        self.buttons().into_iter().map(|(_, data)| data).collect()
    }

    /// Every button as (label, callback data).
    pub fn buttons(&self) -> Vec<(String, String)> {
        let rows = self
            .params
            .pointer("/reply_markup/inline_keyboard")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        rows.iter()
            .filter_map(Value::as_array)
            .flatten()
            .map(|button| {
                (
                    button["text"].as_str().unwrap_or_default().to_string(),
                    button["callback_data"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect()
    }
}

/// Something the fake does instead of answering normally, once, for the next call of a method.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 Too Many Requests with `retry_after`.
    TooManyRequests { retry_after: u32 },
    /// Wait this long, then fail with a 500; longer than the client's timeout, it is a
    /// network error to the bot. Recorded on arrival with status 0.
    Stall(Duration),
    /// Refuse with this error code and description.
    Refuse { code: u16, description: String },
}

#[derive(Default)]
struct ApiState {
    updates: VecDeque<(i64, Value)>,
    next_update_id: i64,
    calls: Vec<Call>,
    record_calls: bool,
    next_message_id: i64,
    /// What each message the bot sent says now: (text, reply markup), for "not modified".
    messages: HashMap<(i64, i64), (String, Value)>,
    faults: VecDeque<(String, Fault)>,
    blocked: HashSet<i64>,
    webhook_url: Option<String>,
    webhook_secret: Option<String>,
    listener: Option<mpsc::UnboundedSender<Call>>,
}

struct Shared {
    state: Mutex<ApiState>,
    /// Bumped on every change, to wake long polls and waiting tests.
    changed: watch::Sender<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, ApiState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|version| *version += 1);
    }
}

/// The fake server. Stops when dropped.
pub struct FakeTelegram {
    address: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeTelegram {
    /// Starts a fake on a free port of 127.0.0.1.
    pub async fn start() -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port on 127.0.0.1");
        let address = listener.local_addr().expect("a bound address");
        let shared = Arc::new(Shared {
            state: Mutex::new(ApiState {
                next_update_id: 1,
                next_message_id: 1_000,
                record_calls: true,
                ..ApiState::default()
            }),
            changed: watch::channel(0).0,
        });
        let app = Router::new()
            .route("/{token}/{method}", any(api_call))
            .with_state(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeTelegram {
            address,
            shared,
            server,
        }
    }

    /// The base URL to give teloxide (`Bot::set_api_url`, `--api-url`).
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.address)).expect("a valid URL")
    }

    /// A bot with the fake's token, talking to the fake.
    pub fn bot(&self) -> teloxide::Bot {
        teloxide::Bot::new(TOKEN).set_api_url(self.url())
    }

    /// Queues an update (`kind` is e.g. `{"message": {...}}`) and returns its id.
    pub fn push_update(&self, kind: Value) -> i64 {
        let id = {
            let mut state = self.shared.lock();
            let id = state.next_update_id;
            state.next_update_id += 1;
            let mut update = kind;
            update["update_id"] = json!(id);
            state.updates.push_back((id, update));
            id
        };
        self.shared.bump();
        id
    }

    /// Makes the next call of `method` (e.g. `sendMessage`) meet `fault`.
    pub fn fail_next(&self, method: &str, fault: Fault) {
        self.shared
            .lock()
            .faults
            .push_back((method.to_ascii_lowercase(), fault));
    }

    /// From now on, sends to `chat` are refused as Telegram refuses a blocked bot.
    pub fn block(&self, chat: i64) {
        self.shared.lock().blocked.insert(chat);
    }

    /// Keeps calls out of memory (for the load test, which listens instead).
    pub fn stop_recording(&self) {
        self.shared.lock().record_calls = false;
    }

    /// Sends every call to `listener` as it is answered.
    pub fn listen(&self) -> mpsc::UnboundedReceiver<Call> {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.shared.lock().listener = Some(sender);
        receiver
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// The calls of one method.
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.is(method)).collect()
    }

    /// The successful calls that sent something to `chat` (messages, files, edits).
    pub fn sent_to(&self, chat: i64) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.ok() && c.chat() == Some(chat) && c.message_id.is_some())
            .collect()
    }

    /// The webhook's secret token, once `setWebhook` has been called.
    pub fn webhook_secret(&self) -> Option<String> {
        self.shared.lock().webhook_secret.clone()
    }

    /// Whether every queued update has been taken (confirmed by a later `getUpdates`).
    pub fn updates_pending(&self) -> usize {
        self.shared.lock().updates.len()
    }

    /// Waits until `done` holds for the calls so far, and returns them; panics with the calls
    /// after `timeout` (generous: the machine may be loaded).
    pub async fn wait_for(&self, timeout: Duration, done: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.shared.changed.subscribe();
        loop {
            changes.borrow_and_update();
            let calls = self.calls();
            if done(&calls) {
                return calls;
            }
            let summary: Vec<String> = calls
                .iter()
                .map(|c| format!("{} {} {:?}", c.method, c.status, c.text()))
                .collect();
            if tokio::time::timeout_at(deadline, changes.changed())
                .await
                .is_err()
            {
                panic!("timed out after {timeout:?}; calls so far: {summary:#?}");
            }
        }
    }
}

/// Seconds since the epoch, as Telegram dates messages.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(0))
}

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn ok(result: Value) -> (StatusCode, Value) {
    (StatusCode::OK, json!({"ok": true, "result": result}))
}

fn refuse(code: u16, description: &str) -> (StatusCode, Value) {
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
        json!({"ok": false, "error_code": code, "description": description}),
    )
}

async fn api_call(
    State(shared): State<Arc<Shared>>,
    Path((token, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if token != format!("bot{TOKEN}") {
        let (status, body) = refuse(401, "Unauthorized");
        return answer(status, body);
    }
    let method = method.to_ascii_lowercase();
    let content_type = headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let params = parse_body(&content_type, &body);
    if method == "getupdates" {
        let (status, body) = get_updates(&shared, &params).await;
        return answer(status, body);
    }
    let fault = {
        let mut state = shared.lock();
        let at = state.faults.iter().position(|(m, _)| *m == method);
        at.and_then(|at| state.faults.remove(at))
            .map(|(_, fault)| fault)
    };
    let arrived = Instant::now();
    let (status, body) = match fault {
        Some(Fault::TooManyRequests { retry_after }) => (
            StatusCode::TOO_MANY_REQUESTS,
            json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {retry_after}"),
                "parameters": {"retry_after": retry_after},
            }),
        ),
        Some(Fault::Refuse { code, description }) => refuse(code, &description),
        Some(Fault::Stall(wait)) => {
            // Recorded now, as unanswered (status 0): a client that gives up closes the
            // connection, and this handler is dropped with it.
            record(
                &shared,
                Call {
                    method,
                    params,
                    at: arrived,
                    status: 0,
                    message_id: None,
                },
            );
            tokio::time::sleep(wait).await;
            let (status, body) = refuse(500, "Internal Server Error: stalled");
            return answer(status, body);
        }
        None => answer_method(&shared, &method, &params),
    };
    let message_id = (status == StatusCode::OK)
        .then(|| body.pointer("/result/message_id").and_then(Value::as_i64))
        .flatten();
    let call = Call {
        method,
        params,
        at: arrived,
        status: status.as_u16(),
        message_id,
    };
    record(&shared, call);
    answer(status, body)
}

fn record(shared: &Shared, call: Call) {
    {
        let mut state = shared.lock();
        if let Some(listener) = &state.listener {
            let _ = listener.send(call.clone());
        }
        if state.record_calls {
            state.calls.push(call);
        }
    }
    shared.bump();
}

async fn get_updates(shared: &Shared, params: &Value) -> (StatusCode, Value) {
    let offset = params.get("offset").and_then(Value::as_i64);
    let limit = params
        .get("limit")
        .and_then(Value::as_u64)
        .map_or(100, |limit| limit.clamp(1, 100)) as usize;
    let timeout = params.get("timeout").and_then(Value::as_u64).unwrap_or(0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    let mut changes = shared.changed.subscribe();
    loop {
        changes.borrow_and_update();
        let batch: Vec<Value> = {
            let mut state = shared.lock();
            if let Some(offset) = offset {
                // Like Telegram: asking from `offset` confirms every update before it.
                let before = state.updates.len();
                state.updates.retain(|(id, _)| *id >= offset);
                if state.updates.len() != before {
                    drop(state);
                    shared.bump();
                    state = shared.lock();
                }
            }
            state
                .updates
                .iter()
                .take(limit)
                .map(|(_, update)| update.clone())
                .collect()
        };
        if !batch.is_empty() {
            return ok(Value::Array(batch));
        }
        if tokio::time::timeout_at(deadline, changes.changed())
            .await
            .is_err()
        {
            return ok(json!([]));
        }
    }
}

fn answer_method(shared: &Shared, method: &str, params: &Value) -> (StatusCode, Value) {
    let mut state = shared.lock();
    match method {
        "getme" => ok(json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": "gutskin",
            "username": BOT_USERNAME,
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "getwebhookinfo" => ok(json!({
            "url": state.webhook_url.clone().unwrap_or_default(),
            "has_custom_certificate": false,
            "pending_update_count": state.updates.len(),
        })),
        "setwebhook" => {
            state.webhook_url = params["url"].as_str().map(str::to_string);
            state.webhook_secret = params["secret_token"].as_str().map(str::to_string);
            ok(json!(true))
        }
        "deletewebhook" => {
            state.webhook_url = None;
            state.webhook_secret = None;
            ok(json!(true))
        }
        "setmycommands" => match check_commands(params) {
            Ok(()) => ok(json!(true)),
            Err(problem) => refuse(400, &problem),
        },
        "answercallbackquery" => {
            let text = params["text"].as_str().unwrap_or_default();
            if text.chars().count() > 200 {
                return refuse(400, "Bad Request: MESSAGE_TOO_LONG");
            }
            ok(json!(true))
        }
        "sendmessage" | "sendphoto" | "senddocument" | "editmessagetext" | "editmessagecaption" => {
            send_or_edit(&mut state, method, params)
        }
        _ => refuse(404, "Not Found: method not found"),
    }
}

fn send_or_edit(state: &mut ApiState, method: &str, params: &Value) -> (StatusCode, Value) {
    let chat = match params.get("chat_id") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    let Some(chat) = chat else {
        return refuse(400, "Bad Request: chat_id is empty");
    };
    if state.blocked.contains(&chat) {
        return refuse(403, "Forbidden: bot was blocked by the user");
    }
    let is_caption = matches!(method, "sendphoto" | "senddocument" | "editmessagecaption");
    let field = if is_caption { "caption" } else { "text" };
    let text = params[field].as_str().unwrap_or_default().to_string();
    if !is_caption && text.trim().is_empty() {
        return refuse(400, "Bad Request: message text is empty");
    }
    let plain_len = if params["parse_mode"].as_str() == Some("HTML") {
        match parse_html(&text) {
            Ok(len) => len,
            Err(problem) => {
                return refuse(
                    400,
                    &format!("Bad Request: can't parse entities: {problem}"),
                )
            }
        }
    } else {
        text.encode_utf16().count()
    };
    if is_caption && plain_len > 1024 {
        return refuse(400, "Bad Request: message caption is too long");
    }
    if !is_caption && plain_len > 4096 {
        return refuse(400, "Bad Request: message is too long");
    }
    let markup = params.get("reply_markup").cloned().unwrap_or(Value::Null);
    if let Err(problem) = check_markup(&markup) {
        return refuse(400, &problem);
    }
    let message_id = if method.starts_with("edit") {
        let Some(id) = params["message_id"].as_i64() else {
            return refuse(400, "Bad Request: message identifier is not specified");
        };
        match state.messages.get(&(chat, id)) {
            None => return refuse(400, "Bad Request: message to edit not found"),
            Some(current) if *current == (text.clone(), markup.clone()) => {
                return refuse(
                    400,
                    "Bad Request: message is not modified: specified new message content and \
                     reply markup are exactly the same as a current content and reply markup \
                     of the message",
                )
            }
            Some(_) => id,
        }
    } else {
        state.next_message_id += 1;
        state.next_message_id
    };
    state
        .messages
        .insert((chat, message_id), (text.clone(), markup.clone()));
    let mut message = json!({
        "message_id": message_id,
        "date": unix_now(),
        "chat": chat_json(chat),
        "from": {"id": BOT_ID, "is_bot": true, "first_name": "gutskin", "username": BOT_USERNAME},
    });
    match method {
        "sendphoto" => {
            message["photo"] = json!([{
                "file_id": "photo-file", "file_unique_id": "photo-unique",
                "width": 800, "height": 400, "file_size": params["photo"]["size"],
            }]);
            message["caption"] = json!(text);
        }
        "senddocument" => {
            message["document"] = json!({
                "file_id": "document-file", "file_unique_id": "document-unique",
                "file_name": params["document"]["file_name"],
            });
            message["caption"] = json!(text);
        }
        "editmessagecaption" => {
            message["caption"] = json!(text);
            message["edit_date"] = json!(unix_now());
        }
        "editmessagetext" => {
            message["text"] = json!(text);
            message["edit_date"] = json!(unix_now());
        }
        _ => message["text"] = json!(text),
    }
    if markup.is_object() {
        message["reply_markup"] = markup;
    }
    ok(message)
}

/// A chat as Telegram describes it: private for positive ids, a group for negative ones.
pub fn chat_json(chat: i64) -> Value {
    if chat > 0 {
        json!({"id": chat, "type": "private", "first_name": "Test", "username": format!("user{chat}")})
    } else {
        json!({"id": chat, "type": "group", "title": "Lunch club"})
    }
}

fn check_commands(params: &Value) -> Result<(), String> {
    let commands = params["commands"]
        .as_array()
        .ok_or("Bad Request: commands missing")?;
    for command in commands {
        let name = command["command"].as_str().unwrap_or_default();
        let description = command["description"].as_str().unwrap_or_default();
        let name_ok = (1..=32).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !name_ok || description.is_empty() || description.chars().count() > 256 {
            return Err(format!("Bad Request: BOT_COMMAND_INVALID ({name})"));
        }
    }
    Ok(())
}

fn check_markup(markup: &Value) -> Result<(), String> {
    let Some(rows) = markup.get("inline_keyboard") else {
        return Ok(());
    };
    for button in rows
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        if let Some(data) = button.get("callback_data") {
            let len = data.as_str().map_or(0, str::len);
            if !(1..=64).contains(&len) {
                return Err("Bad Request: BUTTON_DATA_INVALID".to_string());
            }
        }
        if button["text"].as_str().is_none_or(str::is_empty) {
            return Err("Bad Request: text buttons are unallowed in the inline keyboard".into());
        }
    }
    Ok(())
}

/// Checks Telegram HTML as the Bot API does and returns the visible text's length in UTF-16
/// units; the problem otherwise.
pub fn parse_html(html: &str) -> Result<usize, String> {
    const TAGS: [&str; 15] = [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
    ];
    let mut open: Vec<String> = Vec::new();
    let mut visible = 0;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest
                    .find('>')
                    .ok_or_else(|| format!("unclosed start tag at {:?}", excerpt(rest)))?;
                let tag = &rest[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    match open.pop() {
                        Some(top) if top == name.trim() => {}
                        _ => return Err(format!("unmatched end tag \"{name}\"")),
                    }
                } else {
                    let name = tag.split_whitespace().next().unwrap_or_default();
                    if !TAGS.contains(&name) {
                        return Err(format!("unsupported start tag \"{name}\""));
                    }
                    open.push(name.to_string());
                }
                rest = &rest[end + 1..];
            }
            '&' => {
                let end = rest
                    .find(';')
                    .filter(|&end| end <= 10)
                    .ok_or_else(|| format!("unescaped & at {:?}", excerpt(rest)))?;
                let entity = &rest[1..end];
                let known = matches!(entity, "lt" | "gt" | "amp" | "quot")
                    || entity.strip_prefix('#').is_some_and(|digits| {
                        digits.parse::<u32>().is_ok()
                            || digits
                                .strip_prefix('x')
                                .is_some_and(|hex| u32::from_str_radix(hex, 16).is_ok())
                    });
                if !known {
                    return Err(format!("unsupported entity &{entity};"));
                }
                visible += 1;
                rest = &rest[end + 1..];
            }
            '>' => return Err("unescaped > outside a tag".to_string()),
            _ => {
                visible += c.len_utf16();
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    match open.pop() {
        Some(name) => Err(format!(
            "can't find end tag corresponding to start tag \"{name}\""
        )),
        None => Ok(visible),
    }
}

fn excerpt(text: &str) -> String {
    text.chars().take(20).collect()
}

/// A request body as JSON parameters, whether it came as JSON or as multipart.
fn parse_body(content_type: &str, body: &[u8]) -> Value {
    if let Some(boundary) = content_type
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("boundary="))
    {
        return parse_multipart(boundary.trim_matches('"'), body);
    }
    serde_json::from_slice(body).unwrap_or_else(|_| Value::Object(Map::new()))
}

fn parse_multipart(boundary: &str, body: &[u8]) -> Value {
    let mut params = Map::new();
    let delimiter = format!("--{boundary}");
    // Parts are cut from the raw bytes: file contents may be binary.
    for part in split_bytes(body, delimiter.as_bytes()).into_iter().skip(1) {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        if part.starts_with(b"--") {
            break;
        }
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split]);
        let content = &part[split + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let name = header_value(&headers, "name");
        let Some(name) = name else { continue };
        match header_value(&headers, "filename") {
            Some(file_name) => {
                params.insert(name, json!({"file_name": file_name, "size": content.len()}));
            }
            None => {
                let value = String::from_utf8_lossy(content).to_string();
                let value = if name == "reply_markup" {
                    serde_json::from_str(&value).unwrap_or(Value::String(value))
                } else {
                    Value::String(value)
                };
                params.insert(name, value);
            }
        }
    }
    // Files are named by reference ("document": "attach://<part>"), as the Bot API allows.
    let attached: Vec<(String, String)> = params
        .iter()
        .filter_map(|(name, value)| {
            let part = value.as_str()?.strip_prefix("attach://")?;
            Some((name.clone(), part.to_string()))
        })
        .collect();
    for (name, part) in attached {
        if let Some(file) = params.remove(&part) {
            params.insert(name, file);
        }
    }
    Value::Object(params)
}

fn header_value(headers: &str, key: &str) -> Option<String> {
    let pattern = format!("{key}=\"");
    let start = headers.find(&format!("; {pattern}"))? + 2 + pattern.len();
    let end = headers[start..].find('"')?;
    Some(headers[start..start + end].to_string())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn split_bytes<'a>(bytes: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = bytes;
    while let Some(at) = find(rest, delimiter) {
        parts.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    parts.push(rest);
    parts
}

// ----- updates, as Telegram sends them -----

/// A text message from `chat` (a private chat for positive ids).
pub fn text_message(chat: i64, message_id: i64, text: &str) -> Value {
    let mut message = base_message(chat, message_id);
    message["text"] = json!(text);
    if text.starts_with('/') {
        let command_len = text
            .split_whitespace()
            .next()
            .map_or(0, |c| c.encode_utf16().count());
        message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": command_len}]);
    }
    json!({"message": message})
}

/// An edit of message `message_id` to `text`, first sent at `date`.
pub fn edited_message(chat: i64, message_id: i64, text: &str, date: i64) -> Value {
    let mut message = base_message(chat, message_id);
    message["date"] = json!(date);
    message["edit_date"] = json!(unix_now());
    message["text"] = json!(text);
    json!({"edited_message": message})
}

/// A photo (with a caption, as people send them).
pub fn photo_message(chat: i64, message_id: i64, caption: &str) -> Value {
    let mut message = base_message(chat, message_id);
    message["photo"] = json!([{
        "file_id": "their-photo", "file_unique_id": "their-photo-u",
        "width": 90, "height": 90, "file_size": 2048,
    }]);
    message["caption"] = json!(caption);
    json!({"message": message})
}

/// A press of a button carrying `data` on the bot's message `message_id` saying `text`.
pub fn button_press(chat: i64, query_id: &str, message_id: i64, text: &str, data: &str) -> Value {
    json!({"callback_query": {
        "id": query_id,
        "from": user_json(chat),
        "message": {
            "message_id": message_id,
            "date": unix_now(),
            "chat": chat_json(chat),
            "from": {"id": BOT_ID, "is_bot": true, "first_name": "gutskin", "username": BOT_USERNAME},
            "text": text,
        },
        "chat_instance": format!("instance-{chat}"),
        "data": data,
    }})
}

/// The bot's membership of `chat` changing from `old` to `new` ("member", "kicked", "left").
pub fn membership(chat: i64, old: &str, new: &str) -> Value {
    let bot =
        json!({"id": BOT_ID, "is_bot": true, "first_name": "gutskin", "username": BOT_USERNAME});
    let member = |status: &str| {
        if status == "kicked" {
            json!({"status": status, "user": bot, "until_date": 0})
        } else {
            json!({"status": status, "user": bot})
        }
    };
    json!({"my_chat_member": {
        "chat": chat_json(chat),
        "from": user_json(chat.abs()),
        "date": unix_now(),
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }})
}

fn user_json(id: i64) -> Value {
    json!({"id": id.abs(), "is_bot": false, "first_name": "Test", "language_code": "en"})
}

fn base_message(chat: i64, message_id: i64) -> Value {
    json!({
        "message_id": message_id,
        "date": unix_now(),
        "chat": chat_json(chat),
        "from": user_json(chat),
    })
}
