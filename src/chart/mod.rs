//! The picture behind /chart and the weekly report: the last 30 days as one PNG, the daily
//! score as bars against 0-100 on the left and the skin rating as a line against 1-5 on the
//! right, sized and lettered to be read as a photo on a phone.
//!
//! Pure and platform-free: days in, PNG bytes out, no files, no clock, no system fonts. The
//! font (DejaVu Sans, see `LICENSE-DejaVu.txt` beside this file) is compiled into the binary,
//! so a server without fonts draws exactly what the tests draw, and the same input always
//! gives the same bytes.
//!
//! The 30-day window ends on the latest day passed in: a caller that wants the chart to end
//! today, with the days since the last log left empty, passes today with no score and no
//! rating. Days before the window are ignored, so passing a little too much is harmless.
//!
//! Drawing goes into an RGB buffer in memory (plotters' bitmap backend) and the PNG is encoded
//! here with the `png` crate: plotters' own `bitmap_encoder` can only save to a file path,
//! through the `image` crate at zlib's default level, which alone takes about 17 ms here.
//! `png`'s fast mode (fdeflate) encodes the mostly flat chart in about 2 ms, for a whole
//! render of about 5 ms.

use chrono::{Days, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontFamily, FontStyle, TextStyle};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use thiserror::Error;

/// How many days the chart shows, ending with the latest day passed in.
pub const CHART_DAYS: usize = 30;
/// Width of the PNG in pixels. With [`HEIGHT`], 3:2 fills a phone's width in a chat and stays
/// under Telegram's 1280-pixel photo limit, so it is not scaled down a second time.
pub const WIDTH: u32 = 1200;
/// Height of the PNG in pixels.
pub const HEIGHT: u32 = 800;
/// Titles longer than this many characters are cut and end with "…"; a title that is still
/// too wide for the picture at the smallest title size is cut further.
pub const MAX_TITLE_CHARS: usize = 48;

/// The best score a day can have (see `diary::score`).
const MAX_SCORE: u8 = 100;
/// Skin ratings run from 1 (bad) to 5 (great), as the rating buttons do.
const MIN_RATING: u8 = 1;
const MAX_RATING: u8 = 5;

/// One day of the chart. A day with nothing logged has no score, and a day not rated has no
/// rating; both are drawn as missing, never as 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartDay {
    pub day: NaiveDate,
    /// The day's score, 0-100, if anything was logged.
    pub score: Option<u8>,
    /// The skin rating, 1-5, if the day was rated.
    pub rating: Option<u8>,
}

/// Why no chart was drawn. Values out of range and repeated days are refused rather than
/// clamped or merged: the diary's own types keep scores in 0-100 and ratings in 1-5, so such
/// input is a bug upstream, and drawing it anyway would show a number the person never gave.
#[derive(Debug, Error)]
pub enum ChartError {
    #[error("score {score} on {day} is above {MAX_SCORE}")]
    ScoreOutOfRange { day: NaiveDate, score: u8 },
    #[error("skin rating {rating} on {day} is outside {MIN_RATING}-{MAX_RATING}")]
    RatingOutOfRange { day: NaiveDate, rating: u8 },
    #[error("{day} is given more than once")]
    DuplicateDay { day: NaiveDate },
    #[error("the embedded chart font could not be read")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed")]
    Encode(#[from] png::EncodingError),
}

/// Draws the chart of the 30 days ending with the latest day in `days` and returns it as PNG
/// bytes ([`WIDTH`] × [`HEIGHT`], 8-bit RGB). `days` may be in any order. With no days, or no
/// score and no rating in the window, the picture says there is no data yet.
pub fn render_png(days: &[ChartDay], title: &str) -> Result<Vec<u8>, ChartError> {
    let window = Window::new(days)?;
    register_embedded_font()?;

    let mut rgb = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, &window, title).map_err(|error| ChartError::Draw(error.to_string()))?;
        root.present()
            .map_err(|error| ChartError::Draw(error.to_string()))?;
    }
    encode_png(&rgb)
}

// Colours: blue bars and an orange line stay apart for the common colour-vision deficiencies,
// and the bars are lighter so the line reads on top of them.
const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
const INK: RGBColor = RGBColor(33, 33, 33);
const MUTED_INK: RGBColor = RGBColor(95, 95, 95);
const GRID: RGBColor = RGBColor(226, 226, 226);
const AXIS: RGBColor = RGBColor(150, 150, 150);
const SCORE_BAR: RGBColor = RGBColor(116, 169, 222);
/// The bars' blue, darkened until text in it reads on white.
const SCORE_INK: RGBColor = RGBColor(36, 98, 168);
const SKIN_LINE: RGBColor = RGBColor(214, 96, 24);

// Sizes in pixels. The photo is shown about a third of its width on a phone, so 30 px text
// reads like 10 pt there; nothing is smaller than that.
const TITLE_SIZE: f64 = 52.0;
const MIN_TITLE_SIZE: f64 = 36.0;
const SUBTITLE_SIZE: f64 = 32.0;
const LEGEND_SIZE: f64 = 32.0;
const TICK_LABEL_SIZE: f64 = 30.0;
const EMPTY_NOTE_SIZE: f64 = 48.0;
const EMPTY_HINT_SIZE: f64 = 32.0;
const SIDE_MARGIN: i32 = 36;
const HEADER_HEIGHT: i32 = 200;
const LINE_WIDTH: u32 = 5;
const POINT_RADIUS: i32 = 9;
/// A white ring around each rating point keeps it visible where it sits on a bar.
const POINT_RING: i32 = 3;
/// Share of a day's slot the bar fills; the rest is the gap between bars.
const BAR_WIDTH: f64 = 0.72;
/// A day scored 0 still gets a sliver of bar, so "logged, scored 0" differs from "not logged".
const ZERO_SCORE_STUB: f64 = 1.0;
/// Date labels every this many days, counted back from the last day so that it is labelled.
const DATE_LABEL_EVERY: usize = 7;

// The score axis runs a little past 100 and the rating axis a little past 5 so the best values
// do not sit on the frame. Rating r lines up with score 20·r, so one set of grid lines serves
// both axes.
const SCORE_AXIS_TOP: f64 = 105.0;
const RATING_AXIS_TOP: f64 = SCORE_AXIS_TOP / 20.0;

/// The 30 slots of the chart, oldest first; `first_day` is `None` when no days were passed.
struct Window {
    first_day: Option<NaiveDate>,
    slots: [Slot; CHART_DAYS],
}

#[derive(Clone, Copy, Default)]
struct Slot {
    score: Option<u8>,
    rating: Option<u8>,
}

impl Window {
    /// Checks every day passed in (also those before the window, so bad input is found
    /// whatever its date) and places those of the last 30 days into slots by date.
    fn new(days: &[ChartDay]) -> Result<Window, ChartError> {
        let mut by_day: BTreeMap<NaiveDate, &ChartDay> = BTreeMap::new();
        for chart_day in days {
            check_ranges(chart_day)?;
            if by_day.insert(chart_day.day, chart_day).is_some() {
                return Err(ChartError::DuplicateDay { day: chart_day.day });
            }
        }

        let mut slots = [Slot::default(); CHART_DAYS];
        let Some(&last_day) = by_day.keys().next_back() else {
            return Ok(Window {
                first_day: None,
                slots,
            });
        };
        let first_day = last_day
            .checked_sub_days(Days::new(CHART_DAYS as u64 - 1))
            .unwrap_or(NaiveDate::MIN);
        for (day, chart_day) in by_day.range(first_day..) {
            // In range by construction: first_day <= day <= last_day = first_day + 29.
            let index = (*day - first_day).num_days() as usize;
            slots[index] = Slot {
                score: chart_day.score,
                rating: chart_day.rating,
            };
        }
        Ok(Window {
            first_day: Some(first_day),
            slots,
        })
    }

    fn has_data(&self) -> bool {
        self.slots
            .iter()
            .any(|slot| slot.score.is_some() || slot.rating.is_some())
    }

    fn day_at(&self, index: usize) -> Option<NaiveDate> {
        self.first_day?.checked_add_days(Days::new(index as u64))
    }

    /// "3 Nov – 2 Dec   avg score 58 · skin 3.4", the averages only of days that have them.
    fn subtitle(&self) -> String {
        let (Some(first), Some(last)) = (self.day_at(0), self.day_at(CHART_DAYS - 1)) else {
            return String::new();
        };
        let mut subtitle = format!("{} – {}", short_date(first), short_date(last));
        let scores: Vec<f64> = self
            .slots
            .iter()
            .filter_map(|slot| slot.score.map(f64::from))
            .collect();
        let ratings: Vec<f64> = self
            .slots
            .iter()
            .filter_map(|slot| slot.rating.map(f64::from))
            .collect();
        let mut averages = Vec::new();
        if let Some(score) = mean(&scores) {
            averages.push(format!("score {score:.0}"));
        }
        if let Some(rating) = mean(&ratings) {
            averages.push(format!("skin {rating:.1}"));
        }
        if !averages.is_empty() {
            subtitle.push_str("   avg ");
            subtitle.push_str(&averages.join(" · "));
        }
        subtitle
    }
}

fn check_ranges(chart_day: &ChartDay) -> Result<(), ChartError> {
    if let Some(score) = chart_day.score {
        if score > MAX_SCORE {
            return Err(ChartError::ScoreOutOfRange {
                day: chart_day.day,
                score,
            });
        }
    }
    if let Some(rating) = chart_day.rating {
        if !(MIN_RATING..=MAX_RATING).contains(&rating) {
            return Err(ChartError::RatingOutOfRange {
                day: chart_day.day,
                rating,
            });
        }
    }
    Ok(())
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn short_date(day: NaiveDate) -> String {
    day.format("%-d %b").to_string()
}

/// Plotters looks fonts up by family name in a process-wide table; registering ours under
/// "sans-serif" makes every default label use it too. Done once: registering parses the
/// font's tables.
fn register_embedded_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    static DEJAVU_SANS: &[u8] = include_bytes!("DejaVuSans.ttf");
    let registered = *REGISTERED.get_or_init(|| {
        register_font(
            FontFamily::SansSerif.as_str(),
            FontStyle::Normal,
            DEJAVU_SANS,
        )
        .is_ok()
    });
    if registered {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

fn text(size: f64, color: &'static RGBColor) -> TextStyle<'static> {
    TextStyle::from((FontFamily::SansSerif, size)).color(color)
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    window: &Window,
    title: &str,
) -> DrawResult<DB> {
    root.fill(&BACKGROUND)?;
    let (header, plot) = root.split_vertically(HEADER_HEIGHT);
    draw_header(&header, window, title)?;
    draw_plot(&plot, window)
}

fn draw_header<DB: DrawingBackend>(
    header: &DrawingArea<DB, Shift>,
    window: &Window,
    title: &str,
) -> DrawResult<DB> {
    let available_width = (WIDTH as i32 - 2 * SIDE_MARGIN) as u32;
    let (title, title_style) = fit_title(header, title, available_width)?;
    header.draw_text(&title, &title_style, (SIDE_MARGIN, 26))?;
    header.draw_text(
        &window.subtitle(),
        &text(SUBTITLE_SIZE, &MUTED_INK),
        (SIDE_MARGIN, 94),
    )?;
    draw_legend(header, (SIDE_MARGIN, 148))
}

/// The title as given, on one line: control characters become spaces, runs of spaces one
/// space, and it is cut to [`MAX_TITLE_CHARS`]. Then the largest size from [`TITLE_SIZE`] down
/// to [`MIN_TITLE_SIZE`] that fits is taken, and if none does the title is cut until it fits.
fn fit_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    available_width: u32,
) -> Result<(String, TextStyle<'static>), DrawingAreaErrorKind<DB::ErrorType>> {
    // Only the start of a title can show; looking at a bounded prefix keeps a huge one cheap.
    let mut raw = title.trim().chars();
    let prefix: String = raw
        .by_ref()
        .take(MAX_TITLE_CHARS * 4)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let more_after_prefix = raw.next().is_some();
    let mut chars: Vec<char> = prefix
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    let cut = more_after_prefix || chars.len() > MAX_TITLE_CHARS;
    chars.truncate(MAX_TITLE_CHARS);

    let with_ellipsis = |chars: &[char], cut: bool| {
        let mut line: String = chars.iter().collect();
        if cut {
            line = line.trim_end().to_string();
            line.push('…');
        }
        line
    };

    let mut line = with_ellipsis(&chars, cut);
    let mut size = TITLE_SIZE;
    while size > MIN_TITLE_SIZE
        && area.estimate_text_size(&line, &text(size, &INK))?.0 > available_width
    {
        size -= 2.0;
    }
    let style = text(size, &INK);
    while !chars.is_empty() && area.estimate_text_size(&line, &style)?.0 > available_width {
        chars.pop();
        line = with_ellipsis(&chars, true);
    }
    Ok((line, style))
}

/// The key, drawn above the plot rather than inside it so it never covers a bar.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (left, top): (i32, i32),
) -> DrawResult<DB> {
    let label_style = text(LEGEND_SIZE, &INK).pos(Pos::new(HPos::Left, VPos::Center));
    let middle = top + 18;

    area.draw(&Rectangle::new(
        [(left, middle - 14), (left + 28, middle + 14)],
        SCORE_BAR.filled(),
    ))?;
    let score_label = "Day score 0–100 (left)";
    area.draw_text(score_label, &label_style, (left + 42, middle))?;
    let score_label_width = area.estimate_text_size(score_label, &label_style)?.0 as i32;

    let line_left = left + 42 + score_label_width + 56;
    area.draw(&PathElement::new(
        vec![(line_left, middle), (line_left + 56, middle)],
        SKIN_LINE.stroke_width(LINE_WIDTH),
    ))?;
    area.draw(&Circle::new(
        (line_left + 28, middle),
        POINT_RADIUS,
        SKIN_LINE.filled(),
    ))?;
    area.draw_text(
        "Skin rating 1–5 (right)",
        &label_style,
        (line_left + 72, middle),
    )
}

fn draw_plot<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, window: &Window) -> DrawResult<DB> {
    // Slot i is centred on x = i, so bars sit between the ticks' half-way points.
    let x_range = -0.5..(CHART_DAYS as f64 - 0.5);
    let mut chart = ChartBuilder::on(area)
        .margin_left(SIDE_MARGIN / 2)
        .margin_right(SIDE_MARGIN / 2)
        .margin_bottom(12)
        .margin_top(8)
        .x_label_area_size(56)
        .y_label_area_size(72)
        .right_y_label_area_size(56)
        .build_cartesian_2d(x_range.clone(), 0.0..SCORE_AXIS_TOP)?
        .set_secondary_coord(x_range, 0.0..RATING_AXIS_TOP);

    let date_label = |x: &f64| -> String {
        let index = x.round() as usize;
        let labelled = (CHART_DAYS - 1 - index).is_multiple_of(DATE_LABEL_EVERY);
        match window.day_at(index) {
            Some(day) if labelled => short_date(day),
            _ => String::new(),
        }
    };
    let score_label = |y: &f64| format!("{y:.0}");
    // 0 is not a rating; the right axis starts its labels at 1.
    let rating_label = |y: &f64| {
        if *y >= f64::from(MIN_RATING) - 0.01 {
            format!("{y:.0}")
        } else {
            String::new()
        }
    };

    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .bold_line_style(GRID.stroke_width(2))
        .axis_style(AXIS.stroke_width(2))
        // One tick per day; the formatter labels every seventh.
        .x_labels(CHART_DAYS)
        .x_label_formatter(&date_label)
        .y_labels(6)
        .y_label_formatter(&score_label)
        .x_label_style(text(TICK_LABEL_SIZE, &MUTED_INK))
        .y_label_style(text(TICK_LABEL_SIZE, &SCORE_INK))
        .set_all_tick_mark_size(6)
        .draw()?;
    chart
        .configure_secondary_axes()
        .axis_style(AXIS.stroke_width(2))
        .y_labels(6)
        .y_label_formatter(&rating_label)
        .label_style(text(TICK_LABEL_SIZE, &SKIN_LINE))
        .set_all_tick_mark_size(6)
        .draw()?;

    let half_bar = BAR_WIDTH / 2.0;
    chart.draw_series(window.slots.iter().enumerate().filter_map(|(index, slot)| {
        let score = f64::from(slot.score?).max(ZERO_SCORE_STUB);
        let x = index as f64;
        Some(Rectangle::new(
            [(x - half_bar, 0.0), (x + half_bar, score)],
            SCORE_BAR.filled(),
        ))
    }))?;

    // Unrated days break the line: each run of consecutive rated days is its own path.
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut previous_rated = false;
    for (index, slot) in window.slots.iter().enumerate() {
        match slot.rating {
            Some(rating) => {
                let point = (index as f64, f64::from(rating));
                match runs.last_mut() {
                    Some(run) if previous_rated => run.push(point),
                    _ => runs.push(vec![point]),
                }
                previous_rated = true;
            }
            None => previous_rated = false,
        }
    }
    chart.draw_secondary_series(
        runs.iter()
            .filter(|run| run.len() > 1)
            .map(|run| PathElement::new(run.clone(), SKIN_LINE.stroke_width(LINE_WIDTH))),
    )?;
    // Points on every rated day, so a lone rating between gaps still shows.
    let points = || runs.iter().flatten().copied();
    chart.draw_secondary_series(
        points().map(|point| Circle::new(point, POINT_RADIUS + POINT_RING, BACKGROUND.filled())),
    )?;
    chart.draw_secondary_series(
        points().map(|point| Circle::new(point, POINT_RADIUS, SKIN_LINE.filled())),
    )?;

    if !window.has_data() {
        draw_empty_note(chart.plotting_area())?;
    }
    Ok(())
}

fn draw_empty_note<DB: DrawingBackend, CT: plotters::coord::CoordTranslate>(
    plotting_area: &DrawingArea<DB, CT>,
) -> DrawResult<DB> {
    let area = plotting_area.strip_coord_spec();
    let (width, height) = area.dim_in_pixel();
    let (centre_x, centre_y) = (width as i32 / 2, height as i32 / 2);
    let centred = Pos::new(HPos::Center, VPos::Center);
    area.draw_text(
        "No data yet",
        &text(EMPTY_NOTE_SIZE, &INK).pos(centred),
        (centre_x, centre_y - 34),
    )?;
    area.draw_text(
        "Log meals and rate your skin to fill this chart",
        &text(EMPTY_HINT_SIZE, &MUTED_INK).pos(centred),
        (centre_x, centre_y + 30),
    )
}

fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut png_bytes = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // fdeflate with adaptive row filters: about 2 ms and 105 kB for a month's chart, against
    // 17 ms and 58 kB at `Balanced` (see benches/chart.rs); Telegram re-encodes photos anyway.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(png_bytes)
}
