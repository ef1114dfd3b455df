//! multipart/form-data for the request form's screenshot (RFC 7578), read
//! from a body already limited in size. Hand-written because axum's
//! multipart support pulls in a crate this machine's registry lacks; the
//! form has one file and a few short fields, so a whole-body parse is
//! enough. Anything malformed is an Err with a reason, never a panic.

use std::collections::HashMap;

/// A file field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` Content-Type, or None.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        let v = v.trim().trim_matches('"');
        (k.trim().eq_ignore_ascii_case("boundary") && !v.is_empty() && v.len() <= 70).then(|| v.to_string())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..].windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// A parameter of a Content-Disposition value (`name="x"`).
fn param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The text fields and the file parts of a form body.
pub fn parse(body: &[u8], boundary: &str) -> Result<(HashMap<String, String>, Vec<FilePart>), String> {
    let delim = format!("--{boundary}").into_bytes();
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    let mut at = find(body, &delim, 0).ok_or("not a multipart form: no boundary")? + delim.len();
    loop {
        if body[at..].starts_with(b"--") {
            return Ok((fields, files));
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err("malformed multipart form".into());
        }
        let start = at + 2;
        let head_end =
            find(body, b"\r\n\r\n", start).ok_or("malformed multipart form: a part has no headers")?;
        let mut next_delim = b"\r\n".to_vec();
        next_delim.extend_from_slice(&delim);
        let end =
            find(body, &next_delim, head_end + 4).ok_or("malformed multipart form: unterminated part")?;
        let head = std::str::from_utf8(&body[start..head_end]).map_err(|_| "malformed part headers")?;
        let data = &body[head_end + 4..end];
        let (mut disposition, mut ctype) = (None, String::new());
        for line in head.split("\r\n") {
            if let Some((k, v)) = line.split_once(':') {
                if k.trim().eq_ignore_ascii_case("content-disposition") {
                    disposition = Some(v.trim().to_string());
                } else if k.trim().eq_ignore_ascii_case("content-type") {
                    ctype = v.trim().to_string();
                }
            }
        }
        let disposition = disposition.ok_or("malformed multipart form: a part has no name")?;
        let name = param(&disposition, "name").ok_or("malformed multipart form: a part has no name")?;
        match param(&disposition, "filename") {
            Some(filename) => {
                // An empty file input sends an empty part with no name.
                if !(filename.is_empty() && data.is_empty()) {
                    files.push(FilePart { field: name, filename, content_type: ctype, data: data.to_vec() });
                }
            }
            None => {
                let text = String::from_utf8(data.to_vec())
                    .map_err(|_| format!("field {name} is not UTF-8 text"))?;
                fields.insert(name, text);
            }
        }
        at = end + next_delim.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_a_binary_file() {
        let mut body =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nWifi down\r\n".to_vec();
        body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"screenshot\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n");
        body.extend_from_slice(b"\x89PNG\r\n--Xy\r\n\0\xff");
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        let b = boundary("multipart/form-data; boundary=XyZ").unwrap();
        let (fields, files) = parse(&body, &b).unwrap();
        assert_eq!(fields["subject"], "Wifi down");
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].data, b"\x89PNG\r\n--Xy\r\n\0\xff");
        assert_eq!((files[0].filename.as_str(), files[0].content_type.as_str()), ("a.png", "image/png"));
    }

    #[test]
    fn malformed_bodies_are_errors() {
        for body in [
            &b""[..],
            b"--XyZ",
            b"--XyZ\r\nno headers end",
            b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
        ] {
            assert!(parse(body, "XyZ").is_err(), "{body:?}");
        }
        assert!(boundary("application/x-www-form-urlencoded").is_none());
        let empty_file = b"--B\r\nContent-Disposition: form-data; name=\"screenshot\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--B--";
        assert!(parse(empty_file, "B").unwrap().1.is_empty());
    }
}
