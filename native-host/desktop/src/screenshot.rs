//! PNG screenshots: 8-bit RGBA, straight alpha.

use std::io::BufWriter;
use std::path::Path;

use tiny_skia::Pixmap;

use crate::HostError;

/// Writes a pixmap (premultiplied) as an RGBA PNG.
pub fn write_pixmap(path: &Path, pixmap: &Pixmap) -> Result<(), HostError> {
    write_rgba(path, pixmap.width(), pixmap.height(), &crate::renderer::to_rgba(pixmap))
}

/// Writes straight-alpha RGBA bytes (`width × height × 4`) as a PNG.
pub fn write_rgba(path: &Path, width: u32, height: u32, rgba: &[u8]) -> Result<(), HostError> {
    let fail = |message: String| HostError::Output { path: path.to_path_buf(), message };
    if rgba.len() != width as usize * height as usize * 4 {
        return Err(fail(format!("{} bytes is not a {width}x{height} RGBA image", rgba.len())));
    }
    let file = std::fs::File::create(path).map_err(|e| fail(e.to_string()))?;
    let mut encoder = png::Encoder::new(BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| fail(e.to_string()))?;
    writer.write_image_data(rgba).map_err(|e| fail(e.to_string()))?;
    writer.finish().map_err(|e| fail(e.to_string()))
}

/// Window pixels (`0x00RRGGBB` words, as softbuffer has them) as opaque RGBA bytes.
pub fn xrgb_to_rgba(pixels: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixels.len() * 4);
    for &p in pixels {
        out.extend_from_slice(&[(p >> 16) as u8, (p >> 8) as u8, p as u8, 255]);
    }
    out
}

/// Reads a PNG written by [`write_rgba`] back as `(width, height, rgba)` (for tests and
/// comparisons).
pub fn read_rgba(path: &Path) -> Result<(u32, u32, Vec<u8>), HostError> {
    let fail = |message: String| HostError::Output { path: path.to_path_buf(), message };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(|e| fail(e.to_string()))?;
    let size = reader.output_buffer_size().ok_or_else(|| fail("image too large".into()))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| fail(e.to_string()))?;
    buf.truncate(info.buffer_size());
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf.chunks_exact(3).flat_map(|c| [c[0], c[1], c[2], 255]).collect(),
        other => return Err(fail(format!("unsupported PNG colour type {other:?}"))),
    };
    Ok((info.width, info.height, rgba))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trip() {
        let dir = std::env::temp_dir().join(format!("touchline-desktop-png-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("a.png");
        let rgba = xrgb_to_rgba(&[0x00ff_0000, 0x0000_ff00, 0x0000_00ff, 0x0012_3456]);
        write_rgba(&path, 2, 2, &rgba).expect("write");
        let (w, h, back) = read_rgba(&path).expect("read");
        assert_eq!((w, h), (2, 2));
        assert_eq!(back, rgba);
        assert_eq!(&back[12..16], &[0x12, 0x34, 0x56, 255]);
        assert!(write_rgba(&path, 3, 2, &rgba).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
