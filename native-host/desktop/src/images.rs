//! Images a bundle asks for with `LoadImage` requests (ABI 1.1): where a URL points, decoding
//! it, and the store the renderer draws `Image` commands from.
//!
//! The rules are `docs/host-abi.md`'s, shared with the C++ device host:
//!
//! * a relative path (`images/crest.png`) is resolved under the asset root (`--assets DIR`,
//!   default `assets` in the current directory); absolute paths, `..` components, NUL bytes
//!   and empty URLs are [`ImageError::BadUrl`];
//! * `file:///abs/path` loads that file; any other scheme (`http://`, `data:`, ...) and
//!   `file://host/...` are [`ImageError::BadUrl`]; URLs are taken literally (no
//!   percent-decoding);
//! * a file that does not exist (or is not a regular file) is [`ImageError::NotFound`]; one over
//!   [`MAX_IMAGE_FILE_BYTES`] or an image over [`MAX_IMAGE_SIDE`] on a side is
//!   [`ImageError::TooLarge`]; anything but a PNG or JPEG that decodes is
//!   [`ImageError::Decode`];
//! * decoded images held at once may take [`MAX_IMAGE_BYTES`]; a load past that is
//!   [`ImageError::TooLarge`];
//! * under a URL asset root ([`AssetRoot::Url`]) a relative path is fetched over HTTP instead
//!   ([`locate`], [`from_http`]); an absolute `http://` URL stays [`ImageError::BadUrl`].

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};

use tiny_skia::{IntSize, Pixmap};
use touchline_abi::ImageError;

/// The largest image side the host decodes, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 8192;
/// The largest image file the host reads, in bytes.
pub const MAX_IMAGE_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The most bytes all decoded images (RGBA, 4 bytes a pixel) may take at once.
pub const MAX_IMAGE_BYTES: usize = 512 * 1024 * 1024;

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_MAGIC: &[u8] = b"\xff\xd8\xff";

/// A short lower-case name for an error code, as the hosts print it.
pub fn error_name(error: ImageError) -> &'static str {
    match error {
        ImageError::Other => "other",
        ImageError::NotFound => "not found",
        ImageError::Decode => "cannot decode",
        ImageError::TooLarge => "too large",
        ImageError::BadUrl => "bad URL",
    }
}

/// The file a URL names, under the asset root `assets` for relative paths.
pub fn resolve_url(assets: &Path, url: &str) -> Result<PathBuf, ImageError> {
    if url.is_empty() || url.contains('\0') {
        return Err(ImageError::BadUrl);
    }
    if let Some((scheme, rest)) = split_scheme(url) {
        if !scheme.eq_ignore_ascii_case("file") {
            return Err(ImageError::BadUrl);
        }
        // Only `file:///abs/path`: an empty authority and an absolute path.
        let path = rest.strip_prefix("//").ok_or(ImageError::BadUrl)?;
        if !path.starts_with('/') || path.len() == 1 {
            return Err(ImageError::BadUrl);
        }
        return Ok(PathBuf::from(path));
    }
    let path = Path::new(url);
    if url.starts_with('/') {
        return Err(ImageError::BadUrl);
    }
    for component in path.components() {
        match component {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(ImageError::BadUrl);
            }
        }
    }
    Ok(assets.join(path))
}

/// Where relative URLs resolve: a directory (`--assets DIR`), or an `http(s)://` URL ending in
/// `/` (`--assets URL`, or a delivered release's `assets`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetRoot<'a> {
    /// Relative URLs name files under this directory.
    Dir(&'a Path),
    /// Relative URLs are appended to this URL and fetched over HTTP.
    Url(&'a str),
}

/// Where an image (or fetch, or video) URL points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Located {
    /// A file: under a directory asset root, or a `file://` path.
    File(PathBuf),
    /// A relative URL under a URL asset root: the root's URL and the path.
    Http(String),
}

/// Where `url` points under `root`. A relative URL is checked exactly as [`resolve_url`]
/// checks it; under a URL root it becomes `root + url`, which must be printable ASCII (else
/// [`ImageError::BadUrl`]). Other URLs mean what they mean under a directory root.
pub fn locate(root: AssetRoot<'_>, url: &str) -> Result<Located, ImageError> {
    match root {
        AssetRoot::Dir(dir) => resolve_url(dir, url).map(Located::File),
        AssetRoot::Url(base) => {
            let path = resolve_url(Path::new(""), url)?;
            if split_scheme(url).is_some() {
                return Ok(Located::File(path));
            }
            if !url.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ImageError::BadUrl);
            }
            Ok(Located::Http(format!("{base}{url}")))
        }
    }
}

/// What an image fetched over HTTP comes to: a 2xx body decoded; 404 and 410
/// [`ImageError::NotFound`]; a body over [`MAX_IMAGE_FILE_BYTES`] [`ImageError::TooLarge`];
/// any other status, and a network failure or timeout, [`ImageError::Other`].
pub fn from_http(outcome: Result<(u32, Vec<u8>), touchline_abi::FetchError>) -> Result<Pixmap, ImageError> {
    match outcome {
        Ok((200..=299, bytes)) => decode(&bytes),
        Ok((404 | 410, _)) => Err(ImageError::NotFound),
        Ok(_) => Err(ImageError::Other),
        Err(touchline_abi::FetchError::TooLarge) => Err(ImageError::TooLarge),
        Err(_) => Err(ImageError::Other),
    }
}

/// `Some((scheme, rest))` when the URL starts with an RFC 3986 scheme and a colon.
fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| (scheme, &url[colon + 1..]))
}

/// Resolves, reads and decodes the image at `url`.
pub fn load(assets: &Path, url: &str) -> Result<Pixmap, ImageError> {
    load_file(&resolve_url(assets, url)?)
}

/// Reads and decodes the image file at `path`.
pub fn load_file(path: &Path) -> Result<Pixmap, ImageError> {
    decode(&read_file(path)?)
}

fn read_file(path: &Path) -> Result<Vec<u8>, ImageError> {
    // Only regular files: a directory, a FIFO (which would block) or a device is not an image.
    if !std::fs::metadata(path).map_err(|e| io_error(&e))?.is_file() {
        return Err(ImageError::NotFound);
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(&e))?;
    let mut bytes = Vec::new();
    // One byte more than the limit tells "too large" from "exactly the limit".
    file.take(MAX_IMAGE_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| io_error(&e))?;
    if bytes.len() as u64 > MAX_IMAGE_FILE_BYTES {
        return Err(ImageError::TooLarge);
    }
    Ok(bytes)
}

fn io_error(e: &std::io::Error) -> ImageError {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound | ErrorKind::NotADirectory | ErrorKind::IsADirectory => ImageError::NotFound,
        _ => ImageError::Other,
    }
}

/// Decodes a PNG or JPEG (by its first bytes) into a premultiplied pixmap.
pub fn decode(bytes: &[u8]) -> Result<Pixmap, ImageError> {
    let format = if bytes.starts_with(PNG_MAGIC) {
        image::ImageFormat::Png
    } else if bytes.starts_with(JPEG_MAGIC) {
        image::ImageFormat::Jpeg
    } else {
        return Err(ImageError::Decode);
    };
    let reader = || {
        let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_IMAGE_SIDE);
        limits.max_image_height = Some(MAX_IMAGE_SIDE);
        limits.max_alloc = Some(MAX_IMAGE_BYTES as u64);
        reader.limits(limits);
        reader
    };
    let decode_error = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => ImageError::TooLarge,
        _ => ImageError::Decode,
    };
    // The size first, from the header, so a huge image is refused before it is decoded.
    let (width, height) = reader().into_dimensions().map_err(decode_error)?;
    if width == 0 || height == 0 {
        return Err(ImageError::Decode);
    }
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(ImageError::TooLarge);
    }
    let rgba = reader().decode().map_err(decode_error)?.into_rgba8();
    if rgba.dimensions() != (width, height) {
        return Err(ImageError::Decode);
    }
    pixmap_from_rgba(width, height, rgba.into_raw()).ok_or(ImageError::Other)
}

/// A pixmap from straight-alpha RGBA bytes (`width × height × 4`).
pub fn pixmap_from_rgba(width: u32, height: u32, mut rgba: Vec<u8>) -> Option<Pixmap> {
    if rgba.len() != width as usize * height as usize * 4 {
        return None;
    }
    for px in rgba.chunks_exact_mut(4) {
        let a = px[3];
        if a < 255 {
            for c in &mut px[..3] {
                *c = mul_div255(*c, a);
            }
        }
    }
    Pixmap::from_vec(rgba, IntSize::from_wh(width, height)?)
}

/// `a * b / 255`, rounded.
fn mul_div255(a: u8, b: u8) -> u8 {
    let t = u32::from(a) * u32::from(b) + 128;
    ((t + (t >> 8)) >> 8) as u8
}

/// Decoded images by handle, within [`MAX_IMAGE_BYTES`].
#[derive(Default)]
pub struct ImageStore {
    images: HashMap<u32, Pixmap>,
    bytes: usize,
}

impl std::fmt::Debug for ImageStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageStore").field("images", &self.images.len()).field("bytes", &self.bytes).finish()
    }
}

impl ImageStore {
    /// The image under `handle`.
    pub fn get(&self, handle: u32) -> Option<&Pixmap> {
        self.images.get(&handle)
    }

    /// Keeps `pixmap` under `handle`, replacing (and freeing) what was there; refused with
    /// [`ImageError::TooLarge`] when the store would pass [`MAX_IMAGE_BYTES`].
    pub fn insert(&mut self, handle: u32, pixmap: Pixmap) -> Result<(), ImageError> {
        let size = pixmap.data().len();
        let replaced = self.images.get(&handle).map_or(0, |p| p.data().len());
        if self.bytes - replaced + size > MAX_IMAGE_BYTES {
            return Err(ImageError::TooLarge);
        }
        self.bytes = self.bytes - replaced + size;
        self.images.insert(handle, pixmap);
        Ok(())
    }

    /// Frees the image under `handle`; false when there was none.
    pub fn remove(&mut self, handle: u32) -> bool {
        match self.images.remove(&handle) {
            Some(p) => {
                self.bytes -= p.data().len();
                true
            }
            None => false,
        }
    }

    /// Images held.
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// True when no image is held.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// Bytes of pixels held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, rgba: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("header");
        writer.write_image_data(rgba).expect("data");
        writer.finish().expect("finish");
        out
    }

    #[test]
    fn urls_resolve_under_the_asset_root() {
        let root = Path::new("/srv/assets");
        assert_eq!(resolve_url(root, "images/crest.png"), Ok(PathBuf::from("/srv/assets/images/crest.png")));
        assert_eq!(resolve_url(root, "./a.png"), Ok(PathBuf::from("/srv/assets/./a.png")));
        assert_eq!(resolve_url(root, "file:///tmp/x.png"), Ok(PathBuf::from("/tmp/x.png")));
        assert_eq!(resolve_url(root, "FILE:///tmp/x.png"), Ok(PathBuf::from("/tmp/x.png")));
        for bad in [
            "",
            "/etc/passwd",
            "../secret.png",
            "images/../../secret.png",
            "images/..",
            "http://example.com/a.png",
            "https://example.com/a.png",
            "data:image/png;base64,AAAA",
            "file://host/tmp/x.png",
            "file:relative.png",
            "file:///",
            "a\0b.png",
        ] {
            assert_eq!(resolve_url(root, bad), Err(ImageError::BadUrl), "{bad:?}");
        }
        // A colon after a slash is no scheme: a relative path.
        assert_eq!(resolve_url(root, "x/a:b.png"), Ok(PathBuf::from("/srv/assets/x/a:b.png")));
    }

    #[test]
    fn relative_urls_under_a_url_root_are_http() {
        let root = AssetRoot::Url("http://127.0.0.1:8080/rel/assets/");
        let http = |url: &str| Ok(Located::Http(format!("http://127.0.0.1:8080/rel/assets/{url}")));
        assert_eq!(locate(root, "images/crest.png"), http("images/crest.png"));
        assert_eq!(locate(root, "./a.png"), http("./a.png"));
        assert_eq!(locate(root, "file:///tmp/x.png"), Ok(Located::File(PathBuf::from("/tmp/x.png"))));
        for bad in [
            "",
            "/etc/passwd",
            "../a.png",
            "images/../../a.png",
            "http://example.com/a.png",
            "a b.png",
            "é.png",
            "a\0b",
        ] {
            assert_eq!(locate(root, bad), Err(ImageError::BadUrl), "{bad:?}");
        }
        let dir = AssetRoot::Dir(Path::new("/srv/assets"));
        assert_eq!(locate(dir, "a b.png"), Ok(Located::File(PathBuf::from("/srv/assets/a b.png"))));
    }

    #[test]
    fn http_answers_become_image_errors() {
        use touchline_abi::FetchError;
        let crest = png(2, 2, &[7; 16]);
        assert_eq!(from_http(Ok((200, crest))).map(|p| p.width()), Ok(2));
        assert_eq!(from_http(Ok((404, Vec::new()))).err(), Some(ImageError::NotFound));
        assert_eq!(from_http(Ok((410, Vec::new()))).err(), Some(ImageError::NotFound));
        assert_eq!(from_http(Ok((500, Vec::new()))).err(), Some(ImageError::Other));
        assert_eq!(from_http(Ok((304, Vec::new()))).err(), Some(ImageError::Other));
        assert_eq!(from_http(Ok((200, b"nope".to_vec()))).err(), Some(ImageError::Decode));
        assert_eq!(from_http(Err(FetchError::TooLarge)).err(), Some(ImageError::TooLarge));
        assert_eq!(from_http(Err(FetchError::Timeout)).err(), Some(ImageError::Other));
        assert_eq!(from_http(Err(FetchError::Network)).err(), Some(ImageError::Other));
    }

    #[test]
    fn decodes_png_premultiplied_and_refuses_the_rest() {
        let bytes = png(2, 1, &[255, 0, 0, 255, 255, 255, 255, 128]);
        let pixmap = decode(&bytes).expect("decodes");
        assert_eq!((pixmap.width(), pixmap.height()), (2, 1));
        assert_eq!(&pixmap.data()[..4], &[255, 0, 0, 255]);
        assert_eq!(&pixmap.data()[4..], &[128, 128, 128, 128], "premultiplied");
        assert_eq!(decode(b"GIF89a....").err(), Some(ImageError::Decode));
        assert_eq!(decode(&bytes[..20]).err(), Some(ImageError::Decode), "truncated");
        assert_eq!(decode(b"").err(), Some(ImageError::Decode));
    }

    #[test]
    fn decodes_jpeg() {
        let mut out = Vec::new();
        let rgb = [200u8; 8 * 8 * 3];
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .encode(&rgb, 8, 8, image::ExtendedColorType::Rgb8)
            .expect("encode");
        let pixmap = decode(&out).expect("decodes");
        assert_eq!((pixmap.width(), pixmap.height()), (8, 8));
        assert!(pixmap.data()[0].abs_diff(200) <= 2 && pixmap.data()[3] == 255);
    }

    #[test]
    fn oversized_images_are_too_large() {
        assert_eq!(decode(&png(9000, 1, &[0; 9000 * 4])).err(), Some(ImageError::TooLarge));
        assert_eq!(decode(&png(1, 8193, &[0; 8193 * 4])).err(), Some(ImageError::TooLarge));
        assert_eq!(
            decode(&png(8192, 1, &[0; 8192 * 4])).map(|p| p.width()),
            Ok(8192),
            "the limit itself is fine"
        );
    }

    #[test]
    fn missing_files_and_directories_are_not_found() {
        let dir = std::env::temp_dir().join(format!("touchline-images-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).expect("temp dir");
        assert_eq!(load(&dir, "nothing.png").err(), Some(ImageError::NotFound));
        assert_eq!(load(&dir, "sub").err(), Some(ImageError::NotFound));
        assert_eq!(load(&dir, "nothing/inside.png").err(), Some(ImageError::NotFound));
        assert_eq!(load(&dir, "file:///dev/zero").err(), Some(ImageError::NotFound), "a device");
        std::fs::write(dir.join("text.png"), "not an image").expect("write");
        assert_eq!(load(&dir, "text.png").err(), Some(ImageError::Decode));
        std::fs::write(dir.join("ok.png"), png(3, 2, &[9; 24])).expect("write");
        let url = format!("file://{}", dir.join("ok.png").display());
        assert_eq!(load(Path::new("/nowhere"), &url).map(|p| (p.width(), p.height())), Ok((3, 2)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn store_keeps_a_budget() {
        let mut store = ImageStore::default();
        let pixmap = |w, h| Pixmap::new(w, h).expect("pixmap");
        store.insert(1, pixmap(4, 4)).expect("fits");
        store.insert(1, pixmap(2, 2)).expect("replaces");
        assert_eq!((store.len(), store.bytes()), (1, 16));
        assert!(store.remove(1));
        assert!(!store.remove(1));
        assert_eq!(store.bytes(), 0);
        // 8192 × 8192 × 4 = 256 MiB: two fit, a third does not.
        store.insert(1, pixmap(8192, 8192)).expect("first");
        store.insert(2, pixmap(8192, 8192)).expect("second");
        assert_eq!(store.insert(3, pixmap(1, 1)), Err(ImageError::TooLarge));
        // Replacing an image counts the freed bytes.
        store.insert(2, pixmap(8192, 8192)).expect("replace within budget");
    }
}
