// The donor report as an A4 PDF: the sections of the HTML page, its four charts drawn with
// cairo, text set by pango in DejaVu Sans. The document is laid out twice: the first pass
// only counts the pages, so that every page's footer can say "page N of M".
//
// Amounts are printed from integer minor units (display::money). Chart marks are sized by
// integer scaling (display::scaled) first; only the resulting point counts become doubles.

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "ledger/assert.hpp"
#include "reports/display.hpp"
#include "reports/donor_report.hpp"

namespace riziki::reports {

namespace {

using display::money;
using display::outflow;
using display::scaled;
using ledger::Amount;

// A4 portrait in PostScript points (1/72 inch); margins of about 17 mm.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.890;
constexpr double kLeft = 48;
constexpr double kTop = 48;
constexpr double kContentWidth = kPageWidth - 2 * kLeft;
constexpr double kRight = kLeft + kContentWidth;
constexpr double kFooterRule = kPageHeight - 40;
constexpr double kBottom = kFooterRule - 12;  // content never goes below this
constexpr const char* kFontFamily = "DejaVu Sans";

struct Color {
    double red = 0;
    double green = 0;
    double blue = 0;
};

constexpr Color rgb(unsigned hex) {
    return {((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0, (hex & 0xff) / 255.0};
}

// The HTML page's palette.
constexpr Color kInk = rgb(0x1d2733);
constexpr Color kMuted = rgb(0x4a5a6a);
constexpr Color kMoneyIn = rgb(0x1f6f5c);
constexpr Color kMoneyOut = rgb(0xc8553d);
constexpr Color kBar = rgb(0x3a7ca5);
constexpr Color kLate = rgb(0xc8553d);
constexpr Color kTrack = rgb(0xe6ecf1);
constexpr Color kRule = rgb(0xdde3ea);
constexpr Color kAxis = rgb(0x8896a5);

struct Font {
    double size = 9;
    bool bold = false;
    bool italic = false;
    Color color = kInk;
};

constexpr Font kBody{9};
constexpr Font kSmall{7.5, false, false, kInk};
constexpr Font kTick{6.5, false, false, kInk};
constexpr Font kMeta{9.5, false, false, kMuted};
constexpr Font kEmpty{9, false, true, kMuted};

struct CairoFree {
    void operator()(cairo_t* cairo) const { cairo_destroy(cairo); }
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};

struct GObjectFree {
    void operator()(void* object) const { g_object_unref(object); }
};

/// A piece of text laid out by pango, measured before it is drawn.
struct Text {
    std::unique_ptr<PangoLayout, GObjectFree> layout;
    Color color;
    double width = 0;
    double height = 0;
};

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
    if (closure != nullptr)
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

/// Lays the report out top to bottom, page after page. Pass page_count = 0 to only count
/// the pages (the output is then discarded).
class PdfWriter {
  public:
    PdfWriter(const DonorReport& report, int page_count)
        : report_(report), page_count_(page_count) {
        surface_.reset(cairo_pdf_surface_create_for_stream(
            append_bytes, page_count > 0 ? &bytes_ : nullptr, kPageWidth, kPageHeight));
        const std::string title =
            display::plain_text("Donor report " + report.fund + " " + period());
        cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
        cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR, "Riziki");
        cairo_.reset(cairo_create(surface_.get()));
        check(cairo_status(cairo_.get()));
    }
    PdfWriter(const PdfWriter&) = delete;
    PdfWriter& operator=(const PdfWriter&) = delete;

    const DonorReport& report() const { return report_; }
    cairo_t* cairo() const { return cairo_.get(); }
    std::string period() const {
        return ledger::format_date(report_.from) + " to " + ledger::format_date(report_.to);
    }

    /// The cursor: where the next block starts on the current page.
    double y() const { return y_; }
    void advance(double height) { y_ += height; }

    /// Starts a new page unless `height` fits between the cursor and the bottom margin.
    void room_for(double height) {
        if (y_ + height > kBottom && y_ > kTop)
            next_page();
    }

    Text text(const std::string& content, const Font& font, double wrap_width = 0) const {
        Text t{std::unique_ptr<PangoLayout, GObjectFree>(pango_cairo_create_layout(cairo())),
               font.color};
        PangoLayout* layout = t.layout.get();
        PangoFontDescription* description = pango_font_description_new();
        pango_font_description_set_family(description, kFontFamily);
        pango_font_description_set_absolute_size(description, font.size * PANGO_SCALE);
        pango_font_description_set_weight(description,
                                          font.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_font_description_set_style(description,
                                         font.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
        pango_layout_set_font_description(layout, description);
        pango_font_description_free(description);
        if (wrap_width > 0) {
            pango_layout_set_width(layout, static_cast<int>(wrap_width * PANGO_SCALE));
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
        }
        // Plain text, never pango markup; pango would warn on invalid UTF-8 and draw a
        // control character as a box.
        const std::string plain = display::plain_text(content);
        pango_layout_set_text(layout, plain.data(), static_cast<int>(plain.size()));
        int width = 0, height = 0;
        pango_layout_get_size(layout, &width, &height);
        t.width = static_cast<double>(width) / PANGO_SCALE;
        t.height = static_cast<double>(height) / PANGO_SCALE;
        return t;
    }

    void draw(const Text& t, double x, double top) const {
        set_color(t.color);
        cairo_move_to(cairo(), x, top);
        pango_cairo_show_layout(cairo(), t.layout.get());
        cairo_new_path(cairo());  // so the next mark does not start from the text's origin
    }

    /// Draws `content` with its baseline-free top at (x, top); `anchor` 0 left, 1 right.
    void label(const std::string& content, const Font& font, double x, double top,
               double anchor = 0) const {
        const auto t = text(content, font);
        draw(t, x - anchor * t.width, top);
    }

    void fill_rect(double x, double top, double width, double height, Color color) const {
        set_color(color);
        cairo_rectangle(cairo(), x, top, width, height);
        cairo_fill(cairo());
    }

    void line(double x1, double y1, double x2, double y2, double width, Color color) const {
        set_color(color);
        cairo_set_line_width(cairo(), width);
        cairo_move_to(cairo(), x1, y1);
        cairo_line_to(cairo(), x2, y2);
        cairo_stroke(cairo());
    }

    void set_color(Color color) const {
        cairo_set_source_rgb(cairo(), color.red, color.green, color.blue);
    }

    int pages() const { return page_; }

    /// Ends the last page and the document: the PDF's bytes.
    std::string finish() {
        footer();
        cairo_show_page(cairo());
        check(cairo_status(cairo()));
        cairo_.reset();
        cairo_surface_finish(surface_.get());
        check(cairo_surface_status(surface_.get()));
        return std::move(bytes_);
    }

  private:
    static void check(cairo_status_t status) {
        if (status != CAIRO_STATUS_SUCCESS)
            throw std::runtime_error(std::string("PDF rendering failed: ") +
                                     cairo_status_to_string(status));
    }

    void next_page() {
        footer();
        cairo_show_page(cairo());
        ++page_;
        y_ = kTop;
    }

    /// The fund, the period and "page N of M" at the foot of every page.
    void footer() const {
        line(kLeft, kFooterRule, kRight, kFooterRule, 0.5, kRule);
        const Font font{7.5, false, false, kMuted};
        label("Donor report · fund " + report_.fund + " · " + period(), font, kLeft,
              kFooterRule + 5);
        label("page " + std::to_string(page_) + " of " +
                  (page_count_ > 0 ? std::to_string(page_count_) : std::string("?")),
              font, kRight, kFooterRule + 5, 1);
    }

    const DonorReport& report_;
    const int page_count_;
    std::string bytes_;
    std::unique_ptr<cairo_surface_t, CairoFree> surface_;
    std::unique_ptr<cairo_t, CairoFree> cairo_;
    int page_ = 1;
    double y_ = kTop;
};

// ---- Blocks of text. ----

/// A section heading with a rule under it, kept on a page with `keep` points of what follows.
void heading(PdfWriter& w, const std::string& title, double keep) {
    const auto t = w.text(title, Font{13, true, false, kInk});
    w.advance(14);
    w.room_for(t.height + 8 + keep);
    w.draw(t, kLeft, w.y());
    w.line(kLeft, w.y() + t.height + 3, kRight, w.y() + t.height + 3, 1.5, kMoneyIn);
    w.advance(t.height + 10);
}

void subheading(PdfWriter& w, const std::string& title, double keep) {
    const auto t = w.text(title, Font{10.5, true, false, kInk});
    w.advance(6);
    w.room_for(t.height + 4 + keep);
    w.draw(t, kLeft, w.y());
    w.advance(t.height + 4);
}

void paragraph(PdfWriter& w, const std::string& content, const Font& font) {
    const auto t = w.text(content, font, kContentWidth);
    w.room_for(t.height);
    w.draw(t, kLeft, w.y());
    w.advance(t.height + 4);
}

/// A table row: the label left, the value right, `middle` (if any) right-aligned before it;
/// a total gets bold type and a rule above.
void row(PdfWriter& w, const std::string& label, const std::string& value, bool total = false,
         const std::string& middle = "") {
    const Font font{9, total, false, kInk};
    const auto name = w.text(label, font, kContentWidth * (middle.empty() ? 0.62 : 0.4));
    const auto figure = w.text(value, font);
    const auto second = w.text(middle, font);
    const double height = std::max(name.height, figure.height) + 7;
    w.room_for(height);
    if (total)
        w.line(kLeft, w.y(), kRight, w.y(), 1.2, kInk);
    w.draw(name, kLeft + 4, w.y() + 3.5);
    w.draw(second, kLeft + kContentWidth * 0.62 - second.width, w.y() + 3.5);
    w.draw(figure, kRight - 4 - figure.width, w.y() + 3.5);
    w.line(kLeft, w.y() + height, kRight, w.y() + height, 0.5, kRule);
    w.advance(height);
}

/// The money chart's figures: a row per month under a header row.
void month_table(PdfWriter& w) {
    const auto& r = w.report();
    w.room_for(60);  // the header with its first rows, never alone at a page's foot
    row(w, "Month", "Money out", true, "Money in");
    for (const auto& m : r.months)
        row(w, m.month, outflow(m.money_out, r.currency), false, money(m.money_in, r.currency));
}

void bullets(PdfWriter& w, const std::vector<std::string>& items) {
    for (const auto& item : items) {
        const auto t = w.text(item, Font{8.5, false, false, kMuted}, kContentWidth - 12);
        w.room_for(t.height);
        w.label("•", Font{8.5, false, false, kMuted}, kLeft + 2, w.y());
        w.draw(t, kLeft + 12, w.y());
        w.advance(t.height + 3);
    }
}

void legend(const PdfWriter& w, double x, double top, Color color, const std::string& name) {
    w.fill_rect(x, top, 8, 8, color);
    w.label(name, kSmall, x + 11, top - 0.5);
}

// ---- Charts: the HTML page's four, same marks and scales. ----

constexpr long kPlotHeight = 150;  // points
constexpr double kPlotLeft = kLeft + 50;
constexpr double kChartHeight = 16 + kPlotHeight + 36;

/// Where month i's marks go: one step per month across the content width, 36 points at most.
struct MonthAxis {
    double step = 0;
    std::size_t label_every = 1;  // tick labels of narrow steps would overlap
    double x(std::size_t i) const { return kPlotLeft + step * static_cast<double>(i); }
};

MonthAxis month_axis(std::size_t months) {
    MonthAxis axis;
    axis.step = std::min(36.0, (kRight - kPlotLeft - 4) / static_cast<double>(months));
    axis.label_every = axis.step >= 26 ? 1 : static_cast<std::size_t>(26 / axis.step) + 1;
    return axis;
}

/// A monthly chart's place on the page: its top, the baseline its bars stand on, its axis.
struct MonthChart {
    double top = 0;
    double base = 0;
    MonthAxis axis;
};

/// Reserves the room for a chart of `months` months where the page has got to.
MonthChart begin_month_chart(PdfWriter& w, std::size_t months) {
    w.room_for(kChartHeight);
    const double top = w.y();
    return {top, top + 16 + kPlotHeight, month_axis(months)};
}

/// The maximum label, tick labels (centred `center` after each month's x) and the axis line
/// shared by the two monthly charts.
template <typename Point>
void month_frame(const PdfWriter& w, const std::vector<Point>& points, const MonthChart& chart,
                 const Amount& max, double center) {
    const auto& currency = w.report().currency;
    w.label("max " + money(max, currency) + " " + currency, kSmall, kLeft, chart.top);
    for (std::size_t i = 0; i < points.size(); i += chart.axis.label_every)
        w.label(points[i].month.substr(2), kTick, chart.axis.x(i) + center, chart.base + 3, 0.5);
    w.line(kPlotLeft - 5, chart.base, chart.axis.x(points.size()), chart.base, 0.75, kAxis);
}

void money_chart(PdfWriter& w) {
    const auto& r = w.report();
    if (std::none_of(r.months.begin(), r.months.end(),
                     [](const MonthFlow& m) { return m.money_in > 0 || m.money_out > 0; })) {
        paragraph(w, "No cash moved in this period.", kEmpty);
        return;
    }
    Amount max = 1;
    for (const auto& m : r.months)
        max = std::max({max, m.money_in, m.money_out});
    const auto chart = begin_month_chart(w, r.months.size());
    const auto& axis = chart.axis;
    const double base = chart.base;
    const double bar = std::min(14.0, axis.step * 0.4);
    for (std::size_t i = 0; i < r.months.size(); ++i) {
        const auto in = static_cast<double>(scaled(r.months[i].money_in, max, kPlotHeight));
        const auto out = static_cast<double>(scaled(r.months[i].money_out, max, kPlotHeight));
        w.fill_rect(axis.x(i), base - in, bar, in, kMoneyIn);
        w.fill_rect(axis.x(i) + bar + 1, base - out, bar, out, kMoneyOut);
    }
    month_frame(w, r.months, chart, max, bar + 0.5);
    legend(w, kPlotLeft, base + 20, kMoneyIn, "in");
    legend(w, kPlotLeft + 50, base + 20, kMoneyOut, "out");
    w.advance(kChartHeight);
}

void loan_chart(PdfWriter& w) {
    const auto& r = w.report();
    if (std::none_of(r.loan_trend.begin(), r.loan_trend.end(),
                     [](const LoanPoint& p) { return p.outstanding > 0; })) {
        paragraph(w, "This fund had no loans outstanding in the period.", kEmpty);
        return;
    }
    Amount max = 1;
    for (const auto& p : r.loan_trend)
        max = std::max(max, p.outstanding);
    const auto chart = begin_month_chart(w, r.loan_trend.size());
    const auto& axis = chart.axis;
    const double base = chart.base;
    const double bar = std::min(28.0, axis.step * 0.8);
    for (std::size_t i = 0; i < r.loan_trend.size(); ++i) {
        const auto& p = r.loan_trend[i];
        const auto all = static_cast<double>(scaled(p.outstanding, max, kPlotHeight));
        const auto late = static_cast<double>(scaled(p.par30_outstanding, max, kPlotHeight));
        w.fill_rect(axis.x(i), base - all, bar, all, kBar);
        w.fill_rect(axis.x(i), base - late, bar, late, kLate);
    }
    // PAR30 as a line on its own 0-100 % scale: the late share of each month's book.
    w.set_color(kInk);
    cairo_set_line_width(w.cairo(), 1.5);
    cairo_new_path(w.cairo());
    for (std::size_t i = 0; i < r.loan_trend.size(); ++i) {
        const auto& p = r.loan_trend[i];
        const auto par = static_cast<double>(
            p.outstanding > 0 ? scaled(p.par30_outstanding, p.outstanding, kPlotHeight) : 0);
        cairo_line_to(w.cairo(), axis.x(i) + bar / 2, base - par);
    }
    cairo_stroke(w.cairo());
    month_frame(w, r.loan_trend, chart, max, bar / 2);
    legend(w, kPlotLeft, base + 20, kBar, "outstanding");
    legend(w, kPlotLeft + 90, base + 20, kLate, "30+ days late (PAR30 line: 0-100 %)");
    w.advance(kChartHeight);
}

constexpr double kBreakdownRow = 17;

/// What of a breakdown chart must fit on the page it starts on: all of it when it fits on
/// one page with its heading, else its first three rows.
double breakdown_keep(const Breakdown& b) {
    const double whole =
        kBreakdownRow * static_cast<double>(std::max<std::size_t>(b.cells.size(), 1));
    return whole <= kBottom - kTop - 40 ? whole : 3 * kBreakdownRow;
}

/// Horizontal bars of a breakdown; hidden cells get their label ("<5", "suppressed") and
/// no bar. Kept on one page unless it is longer than a page.
void breakdown_chart(PdfWriter& w, const Breakdown& b) {
    if (b.cells.empty()) {
        paragraph(w, "No survivors reached in this period.", kEmpty);
        return;
    }
    long max = 1;
    for (const auto& [key, c] : b.cells)
        max = std::max(max, c.suppressed ? 0L : c.value);
    constexpr double kRow = kBreakdownRow, kBarLeft = kLeft + 120;
    constexpr long kBarWidth = 300;
    w.room_for(breakdown_keep(b));
    for (const auto& [key, c] : b.cells) {
        w.room_for(kRow);  // a breakdown longer than a page runs on to the next
        w.label(display::category(key), kBody, kLeft, w.y() + 2);
        if (c.suppressed) {
            w.label(c.text(), kBody, kBarLeft, w.y() + 2);
        } else {
            const auto width = static_cast<double>(std::max(c.value * kBarWidth / max, 1L));
            w.fill_rect(kBarLeft, w.y() + 2, width, 12, kBar);
            w.label(c.text(), kBody, kBarLeft + width + 5, w.y() + 2);
        }
        w.advance(kRow);
    }
    w.advance(6);
}

/// A row of a share chart where the page has got to: the label, a 0-100 % track, the
/// share's bar (a share over 100 % fills the track) and its value ("62.50"); `absent`
/// instead when there is none.
constexpr double kShareRow = 22;

void share_row(PdfWriter& w, const std::string& name, const std::string& percent,
               const std::string& absent, Color color) {
    constexpr double kBarLeft = kLeft + 120;
    constexpr long kBarWidth = 300;
    w.label(name, kBody, kLeft, w.y() + 3);
    if (percent.empty()) {
        w.label(absent, kEmpty, kBarLeft, w.y() + 3);
    } else {
        const auto width =
            static_cast<double>(std::min(kBarWidth, display::percent_extent(percent, kBarWidth)));
        w.fill_rect(kBarLeft, w.y() + 2, kBarWidth, 14, kTrack);
        w.fill_rect(kBarLeft, w.y() + 2, width, 14, color);
        w.label(percent + " %", kBody, kBarLeft + kBarWidth + 6, w.y() + 3);
    }
    w.advance(kShareRow);
}

/// Share of businesses operating 6 and 12 months after the first disbursement.
void survival_chart(PdfWriter& w) {
    const auto& r = w.report();
    w.room_for(2 * kShareRow + 6);
    for (const auto& [name, share] : {std::pair{"6 months", r.operating_6_months},
                                      std::pair{"12 months", r.operating_12_months}}) {
        share_row(w, name, share.value.value_or(""),
                  share.hidden() ? kNotShown : "not yet observed", kBar);
    }
    w.advance(6);
}

/// The commitment's figures, then what came in and what went out as shares of it: a
/// progress bar each.
void commitment(PdfWriter& w) {
    const auto& r = w.report();
    heading(w, "Commitment", 60);
    paragraph(w,
              "Since the fund began, up to " + ledger::format_date(r.to) +
                  "; shares are of the commitment.",
              kMeta);
    for (const auto& line : display::commitment_lines(r.commitment))
        row(w, line.label, line.text(r.currency));
    const auto received = display::share_percent(r.commitment.received_share);
    w.advance(6);
    if (received.empty()) {
        paragraph(w,
                  "No commitment is recorded for this fund (or it is zero): there is no share "
                  "of it to show.",
                  kEmpty);
        return;
    }
    w.room_for(2 * kShareRow + 6);
    share_row(w, "received", received, "", kMoneyIn);
    share_row(w, "spent", display::share_percent(r.commitment.spent_share), "", kMoneyOut);
    w.advance(6);
}

// ---- Sections, in the HTML page's order. ----

void title_and_statement(PdfWriter& w) {
    const auto& r = w.report();
    const auto& c = r.currency;
    const auto& s = r.statement;
    paragraph(w, r.fund_name.empty() ? r.fund : r.fund_name, Font{18, true, false, kInk});
    paragraph(w,
              "Fund " + r.fund + (r.donor.empty() ? "" : " · donor " + r.donor) + " · " +
                  w.period() + " · amounts in " + c,
              kMeta);
    commitment(w);
    heading(w, "Fund statement", 60);
    row(w, "Opening cash", money(s.opening_cash, c));
    row(w, "Donor receipts", money(s.receipts, c));
    row(w, "Grants paid", outflow(s.grants_paid, c));
    row(w, "Loans disbursed", outflow(s.loans_disbursed, c));
    row(w, "Transfer and M-Pesa fees", outflow(s.fees, c));
    row(w, "Loan principal repaid", money(s.principal_repaid, c));
    row(w, "Loan interest received", money(s.interest_received, c));
    row(w, "Overpayments received", money(s.overpayments_received, c));
    row(w, "Recoveries on written-off loans", money(s.recoveries, c));
    row(w, "Other cash movements", money(s.other_cash_movements, c));
    row(w, "Closing cash", money(s.closing_cash, c), true);
    row(w, "Grants given in kind (no cash)", money(s.grants_in_kind, c));
    row(w, "Loans outstanding at period end", money(s.loans_outstanding, c));
    subheading(w, "Money in and out by month", kChartHeight);
    money_chart(w);
    month_table(w);
}

void reach_and_awards(PdfWriter& w) {
    const auto& r = w.report();
    const auto& c = r.currency;
    heading(w, "Reach", 80);
    paragraph(
        w,
        "Survivors who received money from this fund in the period: " + r.survivors_reached.text(),
        kBody);
    for (const auto& b : r.reach) {
        subheading(w, "By " + (b.dimension == "age_band" ? std::string("age band") : b.dimension),
                   breakdown_keep(b));
        breakdown_chart(w, b);
    }
    heading(w, "Awards", 60);
    row(w, "Awards approved in the period", r.awards_approved.text());
    row(w, "Amount approved", money(r.amount_approved, c));
    row(w, "Amount disbursed", money(r.amount_disbursed, c));
    row(w, "Median grant", display::median(r.median_grant, c));
}

void loans_outcomes_notes(PdfWriter& w) {
    const auto& r = w.report();
    const auto& c = r.currency;
    heading(w, "Loans", 60);
    row(w, "Active loans at period end", r.active_loans.text());
    row(w, "Outstanding principal", money(r.loans_outstanding, c));
    row(w, "Portfolio at risk > 30 days (PAR30)", display::percent(r.par30));
    row(w, "On-time repayment (paid by due date / fallen due)",
        display::percent(r.on_time_repayment_rate));
    row(w, "Loans written off in the period", r.loans_written_off.text());
    row(w, "Amount written off", money(r.written_off, c));
    subheading(w, "Loans outstanding and PAR30 by month", kChartHeight);
    loan_chart(w);

    heading(w, "Outcomes", 80);
    subheading(w, "Businesses operating", 50);
    survival_chart(w);
    const auto& pc = r.profit_currency;
    row(w, "Median monthly profit, first follow-up",
        display::median(r.median_profit_first, pc, " " + pc));
    row(w, "Median monthly profit, latest follow-up",
        display::median(r.median_profit_latest, pc, " " + pc));
    row(w, "Jobs in the businesses (latest follow-up)", r.jobs_latest.text());

    heading(w, "How to read this report", 30);
    bullets(w, r.notes);
}

/// One pass over the whole document; `page_count` 0 counts the pages only.
std::pair<std::string, int> render(const DonorReport& report, int page_count) {
    PdfWriter w(report, page_count);
    title_and_statement(w);
    reach_and_awards(w);
    loans_outcomes_notes(w);
    const int pages = w.pages();
    return {w.finish(), pages};
}

}  // namespace

std::string donor_report_pdf(const DonorReport& report) {
    const int pages = render(report, 0).second;
    auto [bytes, rendered] = render(report, pages);
    // The footers are drawn outside the flow, so both passes break pages alike.
    RIZIKI_ASSERT(rendered == pages);
    return std::move(bytes);
}

}  // namespace riziki::reports
