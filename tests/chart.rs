//! The /chart picture: that it is a PNG of the promised size, whatever the diary holds (no
//! days, one, a full month, more than a month, nothing logged), that bad values are refused,
//! that missing days stay missing, and that the same diary always gives the same bytes.
//!
//! `CHART_SAMPLE_DIR=/tmp cargo test --test chart -- --ignored` writes sample pictures to look
//! at after changing the design.

use chrono::{Days, NaiveDate};
use gutskin::chart::{render_png, ChartDay, ChartError, CHART_DAYS, HEIGHT, WIDTH};

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
/// The skin line's colour, to count its pixels (see `SKIN_LINE` in the chart module).
const SKIN_LINE_RGB: [u8; 3] = [214, 96, 24];
/// The header (title, subtitle, legend) takes the top of the picture; the plot is below it.
const HEADER_HEIGHT: u32 = 200;

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1)
        .and_then(|first| first.checked_add_days(Days::new(offset)))
        .expect("a valid date")
}

/// A plausible month: most days logged, most rated, a few gaps of each kind.
fn month(count: u64) -> Vec<ChartDay> {
    (0..count)
        .map(|offset| ChartDay {
            day: day(offset),
            score: (offset % 9 != 4).then_some(((offset * 37 + 11) % 101) as u8),
            rating: (offset % 5 != 2).then_some((1 + (offset * 3 + offset / 4) % 5) as u8),
        })
        .collect()
}

fn render(days: &[ChartDay]) -> Vec<u8> {
    render_png(days, "Your last 30 days").expect("the chart renders")
}

/// Width and height from the IHDR chunk, which a PNG must put first.
fn ihdr_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], &PNG_SIGNATURE, "PNG signature");
    assert_eq!(&png[12..16], b"IHDR", "first chunk is IHDR");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    (width, height)
}

/// Decodes the PNG fully (so a broken stream fails here) into RGB bytes.
fn decode_rgb(png_bytes: &[u8]) -> Vec<u8> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("PNG header decodes");
    let mut pixels = vec![0; reader.output_buffer_size().expect("size fits in memory")];
    let info = reader.next_frame(&mut pixels).expect("PNG image decodes");
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    pixels.truncate(info.buffer_size());
    pixels
}

/// Pixels of exactly the skin line's colour below the header, i.e. line, points and the
/// right-hand axis labels.
fn skin_line_pixels_in_plot(png_bytes: &[u8]) -> usize {
    let pixels = decode_rgb(png_bytes);
    let plot_start = (HEADER_HEIGHT * WIDTH * 3) as usize;
    pixels[plot_start..]
        .chunks_exact(3)
        .filter(|pixel| *pixel == SKIN_LINE_RGB)
        .count()
}

fn assert_valid_chart(png_bytes: &[u8]) {
    assert_eq!(ihdr_size(png_bytes), (WIDTH, HEIGHT));
    decode_rgb(png_bytes);
}

#[test]
fn a_chart_is_a_png_of_the_promised_size() {
    let png_bytes = render(&month(30));
    assert_valid_chart(&png_bytes);
    assert!((WIDTH, HEIGHT) == (1200, 800), "phone-sized, under 1280 px");
    // Flat colours compress well; a chart this size that grows past this has lost that.
    assert!(png_bytes.len() < 200_000, "{} bytes", png_bytes.len());
}

#[test]
fn no_days_at_all_still_draws_a_picture() {
    let png_bytes = render(&[]);
    assert_valid_chart(&png_bytes);
    assert_ne!(png_bytes, render(&month(30)));
}

#[test]
fn one_day_draws() {
    let one = [ChartDay {
        day: day(0),
        score: Some(64),
        rating: Some(4),
    }];
    assert_valid_chart(&render(&one));
}

#[test]
fn a_full_month_draws() {
    assert_valid_chart(&render(&month(CHART_DAYS as u64)));
}

#[test]
fn only_the_last_30_days_are_shown() {
    let many = month(75);
    let last_30 = &many[many.len() - CHART_DAYS..];
    assert_eq!(render(&many), render(last_30));
    // And what lies before the window really is left out: changing it changes nothing.
    let mut changed_before = many.clone();
    changed_before[0].score = Some(100);
    changed_before[10].rating = None;
    assert_eq!(render(&changed_before), render(&many));
}

#[test]
fn the_window_ends_on_the_latest_day_even_if_it_is_empty() {
    // Ten days logged, then a week of nothing, then today passed in with no data.
    let mut days = month(10);
    days.push(ChartDay {
        day: day(16),
        score: None,
        rating: None,
    });
    let with_today = render(&days);
    assert_valid_chart(&with_today);
    assert_ne!(
        with_today,
        render(&month(10)),
        "the axis moves to end today"
    );
}

#[test]
fn days_with_nothing_logged_or_rated_say_no_data_yet() {
    let empty_month: Vec<ChartDay> = (0..30)
        .map(|offset| ChartDay {
            day: day(offset),
            score: None,
            rating: None,
        })
        .collect();
    let png_bytes = render(&empty_month);
    assert_valid_chart(&png_bytes);
    assert_ne!(png_bytes, render(&month(30)));
}

#[test]
fn input_order_does_not_matter() {
    let in_order = month(30);
    let mut shuffled = in_order.clone();
    shuffled.reverse();
    shuffled.swap(3, 17);
    assert_eq!(render(&in_order), render(&shuffled));
}

#[test]
fn the_same_diary_gives_the_same_bytes() {
    let days = month(30);
    let first = render(&days);
    for _ in 0..3 {
        assert_eq!(render(&days), first);
    }
    // Also across threads: the font table is process-wide.
    let from_thread = std::thread::spawn(move || render(&days))
        .join()
        .expect("rendering thread finishes");
    assert_eq!(from_thread, first);
}

#[test]
fn ratings_outside_1_to_5_are_refused() {
    for bad in [0, 6, 255] {
        let mut days = month(30);
        days[12].rating = Some(bad);
        match render_png(&days, "t") {
            Err(ChartError::RatingOutOfRange { day: at, rating }) => {
                assert_eq!((at, rating), (day(12), bad));
            }
            other => panic!("rating {bad}: expected RatingOutOfRange, got {other:?}"),
        }
    }
    for good in 1..=5 {
        let mut days = month(30);
        days[12].rating = Some(good);
        assert!(render_png(&days, "t").is_ok(), "rating {good}");
    }
}

#[test]
fn scores_above_100_are_refused_and_0_and_100_drawn() {
    let mut days = month(30);
    days[3].score = Some(101);
    assert!(matches!(
        render_png(&days, "t"),
        Err(ChartError::ScoreOutOfRange { score: 101, .. })
    ));
    days[3].score = Some(0);
    days[4].score = Some(100);
    assert_valid_chart(&render(&days));
}

#[test]
fn bad_values_before_the_window_are_refused_too() {
    let mut days = month(45);
    days[0].rating = Some(9);
    assert!(matches!(
        render_png(&days, "t"),
        Err(ChartError::RatingOutOfRange { rating: 9, .. })
    ));
}

#[test]
fn a_day_given_twice_is_refused() {
    let mut days = month(30);
    days.push(days[7]);
    match render_png(&days, "t") {
        Err(ChartError::DuplicateDay { day: at }) => assert_eq!(at, day(7)),
        other => panic!("expected DuplicateDay, got {other:?}"),
    }
}

#[test]
fn unrated_days_are_gaps_not_zeros() {
    let rated = |ratings: &[(u64, u8)]| -> Vec<ChartDay> {
        (0..30)
            .map(|offset| ChartDay {
                day: day(offset),
                score: Some(50),
                rating: ratings
                    .iter()
                    .find(|(at, _)| *at == offset)
                    .map(|(_, rating)| *rating),
            })
            .collect()
    };
    let unrated = skin_line_pixels_in_plot(&render(&rated(&[])));
    let lone = skin_line_pixels_in_plot(&render(&rated(&[(20, 3)])));
    let two_apart = skin_line_pixels_in_plot(&render(&rated(&[(10, 3), (12, 3)])));
    let three_in_a_row = skin_line_pixels_in_plot(&render(&rated(&[(10, 3), (11, 3), (12, 3)])));

    let point = lone - unrated;
    assert!(
        point > 100,
        "a lone rating shows as a point ({point} pixels)"
    );
    // Two points and no line between them; a line down to 0 and back would add far more.
    assert_eq!(two_apart - unrated, 2 * point);
    assert!(
        three_in_a_row - unrated > 3 * point,
        "consecutive ratings are joined"
    );
}

#[test]
fn long_and_odd_titles_are_tamed() {
    let days = month(30);
    let base = "a".repeat(47);
    // Titles alike in their first 48 characters draw alike: the rest is cut.
    let cut_one = render_png(&days, &format!("{base}b and then some")).expect("renders");
    let cut_two = render_png(&days, &format!("{base}b but otherwise")).expect("renders");
    assert_eq!(cut_one, cut_two);
    // Wide letters are cut further to fit; line breaks, tabs, emoji and 10 kB still draw.
    for title in [
        "W".repeat(48),
        "two\nlines\tand\u{7}bell".to_string(),
        "skin 🙂 Haut — 肌".to_string(),
        "x".repeat(10_000),
        String::new(),
    ] {
        let png_bytes = render_png(&days, &title).expect("renders");
        assert_valid_chart(&png_bytes);
    }
    // Control characters are shown as spaces, and runs of space as one.
    assert_eq!(
        render_png(&days, "two\nlines").expect("renders"),
        render_png(&days, "two   lines").expect("renders")
    );
}

#[test]
#[ignore = "writes sample pictures; set CHART_SAMPLE_DIR"]
fn write_samples() {
    let Ok(dir) = std::env::var("CHART_SAMPLE_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let samples: [(&str, Vec<ChartDay>, &str); 4] = [
        ("chart-month.png", month(30), "Your last 30 days"),
        ("chart-empty.png", Vec::new(), "Your last 30 days"),
        (
            "chart-one.png",
            vec![ChartDay {
                day: day(0),
                score: Some(64),
                rating: Some(4),
            }],
            "Your last 30 days",
        ),
        (
            "chart-long-title.png",
            month(12),
            "Maximilian's very long and rather chatty diary title that goes on",
        ),
    ];
    for (name, days, title) in samples {
        let png_bytes = render_png(&days, title).expect("renders");
        std::fs::write(dir.join(name), png_bytes).expect("sample written");
    }
}
