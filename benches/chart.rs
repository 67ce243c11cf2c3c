//! Time to draw the /chart picture: a full month (30 bars, a broken line, every label), the
//! empty "no data yet" picture, and, to show where the time goes, encoding the finished
//! picture as PNG at the fast setting the chart uses against the `Balanced` setting (zlib
//! level 6, which is what plotters' own file encoder, through the `image` crate, would use).
//!
//! Run: `cargo bench --bench chart` (release profile, one thread). Target: at most 100 ms per
//! chart.

use chrono::{Days, NaiveDate};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gutskin::chart::{render_png, ChartDay, HEIGHT, WIDTH};

/// A month as a real diary looks: most days logged, most rated, a few gaps of each kind.
fn month() -> Vec<ChartDay> {
    let first = NaiveDate::from_ymd_opt(2026, 11, 1).expect("a valid date");
    (0..30u64)
        .map(|offset| ChartDay {
            day: first
                .checked_add_days(Days::new(offset))
                .expect("a valid date"),
            score: (offset % 9 != 4).then_some(((offset * 37 + 11) % 101) as u8),
            rating: (offset % 5 != 2).then_some((1 + (offset * 3 + offset / 4) % 5) as u8),
        })
        .collect()
}

fn decode_rgb(png_bytes: &[u8]) -> Vec<u8> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("PNG header decodes");
    let mut pixels = vec![0; reader.output_buffer_size().expect("size fits in memory")];
    reader.next_frame(&mut pixels).expect("PNG image decodes");
    pixels
}

fn encode(rgb: &[u8], compression: png::Compression) -> Vec<u8> {
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(compression);
    let mut writer = encoder.write_header().expect("header encodes");
    writer.write_image_data(rgb).expect("image encodes");
    writer.finish().expect("PNG finishes");
    png_bytes
}

fn bench_chart(c: &mut Criterion) {
    let days = month();
    let mut group = c.benchmark_group("chart");
    group.sample_size(30);
    group.bench_function("month", |b| {
        b.iter(|| render_png(black_box(&days), "Your last 30 days").expect("renders"))
    });
    group.bench_function("empty", |b| {
        b.iter(|| render_png(black_box(&[]), "Your last 30 days").expect("renders"))
    });
    group.finish();

    let rgb = decode_rgb(&render_png(&days, "Your last 30 days").expect("renders"));
    let mut group = c.benchmark_group("png_encode");
    group.sample_size(20);
    for (name, compression) in [
        ("fast", png::Compression::Fast),
        ("balanced", png::Compression::Balanced),
    ] {
        eprintln!(
            "png_encode/{name}: {} bytes",
            encode(&rgb, compression).len()
        );
        group.bench_function(name, |b| b.iter(|| encode(black_box(&rgb), compression)));
    }
    group.finish();
}

criterion_group!(benches, bench_chart);
criterion_main!(benches);
