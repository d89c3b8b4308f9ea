"""The Charts tab (QtCharts): wait by hour of day against the target, and % within target per day.

Both charts come from ``store.views.report`` grouped by hour and by day over the chosen period.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from common.store import Store
from common.views.report import Report
from dashboard.period_bar import PeriodBar
from dashboard.period_read import PeriodRead
from ui.style import font
from ui.worker import Runner


def load_charts(store: Store, start: date, end: date) -> tuple[Report, Report]:
    return store.views.report(start, end, "hour"), store.views.report(start, end, "day")


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(font(11, bold=True))
    chart.legend().setFont(font(9))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _axis(title: str, top: float) -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setTitleFont(font(9))
    axis.setLabelsFont(font(9))
    axis.setRange(0, top)
    axis.applyNiceNumbers()  # ticks at 0, 20, 40 … rather than 0, 27, 55
    axis.setLabelFormat("%.0f")
    return axis


def _categories(labels: list[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(labels)
    axis.setLabelsFont(font(9))
    return axis


def _goal(chart: QChart, name: str, value: float, bars: int) -> QLineSeries:
    """The target as a red dashed line across ``bars`` categories."""
    line = QLineSeries()
    line.setName(name)
    line.setPen(QPen(QColor("#c00000"), 2.5, Qt.PenStyle.DashLine))
    line.append([QPointF(-0.5, value), QPointF(max(bars, 1) - 0.5, value)])
    chart.addSeries(line)
    return line


def _axes(chart: QChart, x: QBarCategoryAxis, y: QValueAxis, *series: QBarSeries | QLineSeries) -> QChart:
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for one in series:
        one.attachAxis(x)
        one.attachAxis(y)
    return chart


def wait_by_hour(report: Report) -> QChart:
    """Mean and p90 wait (minutes) per hour of issue, with the target as a red line."""
    chart = _chart(f"Thời gian chờ theo giờ trong ngày (chỉ tiêu {report.target_minutes} phút)")
    groups = [g for g in report.groups if g.key is not None]
    mean, p90 = QBarSet("Chờ trung bình"), QBarSet("Chờ P90")
    mean.setColor(QColor("#4f81bd"))
    p90.setColor(QColor("#9bbb59"))
    for g in groups:
        mean.append((g.figures.wait_mean_s or 0) / 60)
        p90.append((g.figures.wait_p90_s or 0) / 60)
    bars = QBarSeries()
    bars.append(mean)
    bars.append(p90)
    chart.addSeries(bars)
    target = _goal(chart, f"Chỉ tiêu {report.target_minutes} phút", report.target_minutes, len(groups))
    x = _categories([f"{int(g.key):02d}h" for g in groups] or ["–"])  # type: ignore[arg-type]
    highest = max([report.target_minutes, *((g.figures.wait_p90_s or 0) / 60 for g in groups)])
    return _axes(chart, x, _axis("phút", highest * 1.15), bars, target)


def within_by_day(report: Report) -> QChart:
    """% of waits within target per service day, with the 95% goal."""
    chart = _chart("% chờ trong chỉ tiêu theo ngày")
    groups = [g for g in report.groups if g.key is not None]
    share = QBarSet("% trong chỉ tiêu")
    share.setColor(QColor("#4f81bd"))
    for g in groups:
        share.append(g.figures.waits_within_target_pct or 0)
    bars = QBarSeries()
    bars.append(share)
    chart.addSeries(bars)
    goal = _goal(chart, "Mục tiêu 95 %", 95, len(groups))
    step = max(1, len(groups) // 16)  # keep the day labels readable over a long period
    # Category labels must be unique: the skipped ones are distinct runs of zero-width spaces.
    labels = [f"{g.key:%d/%m}" if i % step == 0 else "\u200b" * (i + 1)  # type: ignore[str-format]
              for i, g in enumerate(groups)]
    return _axes(chart, _categories(labels or ["–"]), _axis("%", 100), bars, goal)


class ChartsTab(QWidget):
    def __init__(self, store: Store, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.bar = PeriodBar(store.today, self, grouping=False)
        self.by_hour, self.by_day = QChartView(self), QChartView(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        for view in (self.by_hour, self.by_day):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(220)
            layout.addWidget(view, 1)
        self.reports: tuple[Report, Report] | None = None
        self.read = PeriodRead(runner, "charts", self.bar,
                               lambda start, end: partial(load_charts, store, start, end), self._show)

    def refresh(self) -> None:
        self.read.refresh()

    def _show(self, result: object) -> None:
        self.reports = result  # type: ignore[assignment]
        hours, days = self.reports  # type: ignore[misc]
        for view, chart in ((self.by_hour, wait_by_hour(hours)), (self.by_day, within_by_day(days))):
            old = view.chart()
            view.setChart(chart)
            old.deleteLater()  # the view releases, but does not delete, the chart it showed
