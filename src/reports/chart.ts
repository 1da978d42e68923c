import { Resvg } from "@resvg/resvg-js";
import { BarChart } from "echarts/charts";
import { GridComponent, TitleComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { monthDay } from "../shared/day.ts";

/*
 * Apache ECharts renders the chart to an SVG string on the server (its SSR mode: pure JS, no DOM,
 * no canvas), and resvg turns the SVG into a PNG. Both work without native build steps (resvg
 * ships prebuilt binaries as optional dependencies) and without network. Splitting at SVG keeps
 * the chart itself free of native code: on Workers, @resvg/resvg-wasm can do the last step.
 */
echarts.use([BarChart, GridComponent, TitleComponent, SVGRenderer]);

export interface ChartSize {
  width: number;
  height: number;
}

export const CHART_SIZE: ChartSize = { width: 640, height: 320 };

/**
 * Axis and bar labels hold only ASCII and ¥: a machine without a CJK font would draw Chinese as
 * empty boxes, and DejaVu Sans (on Debian images) has every glyph used here.
 */
const FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif";

/** Cents → "¥1,234" / "¥12.3k" / "¥1.2M": short enough to sit above a bar. */
export function shortYuan(cents: number): string {
  const y = cents / 100;
  const abs = Math.abs(y);
  if (abs >= 1_000_000) return `¥${(y / 1_000_000).toFixed(1)}M`;
  if (abs >= 10_000) return `¥${(y / 1_000).toFixed(1)}k`;
  return `¥${Math.round(y).toLocaleString("en-US")}`;
}

/** The bar chart of paid amount per day as SVG text. */
export function paidChartSvg(series: { day: string; paidAmount: number }[], size = CHART_SIZE): string {
  const chart = echarts.init(null, null, {
    renderer: "svg",
    ssr: true,
    width: size.width,
    height: size.height,
  });
  try {
    const first = series[0]?.day ?? "";
    const last = series.at(-1)?.day ?? "";
    chart.setOption({
      animation: false,
      backgroundColor: "#ffffff",
      textStyle: { fontFamily: FONT },
      title: {
        text: `Paid amount ${monthDay(first)} ~ ${monthDay(last)}`,
        left: "center",
        top: 8,
        textStyle: { fontSize: 14, fontFamily: FONT },
      },
      grid: { left: 72, right: 24, top: 56, bottom: 36 },
      xAxis: {
        type: "category",
        data: series.map((d) => monthDay(d.day)),
        axisLabel: { fontFamily: FONT },
      },
      yAxis: {
        type: "value",
        min: 0,
        axisLabel: { fontFamily: FONT, formatter: (v: number) => shortYuan(v) },
      },
      series: [
        {
          type: "bar",
          barMaxWidth: 48,
          itemStyle: { color: "#3b7ddd" },
          // The last bar is the report's day.
          data: series.map((d, i) => ({
            value: d.paidAmount,
            itemStyle: i === series.length - 1 ? { color: "#e8590c" } : undefined,
          })),
          label: {
            show: true,
            position: "top",
            fontFamily: FONT,
            formatter: (p: { value: unknown }) => shortYuan(Number(p.value)),
          },
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** SVG → PNG bytes at the SVG's own size. */
export function svgToPng(svg: string): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: "original" },
    background: "#ffffff",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return r.render().asPng();
}

/** The 7-day paid-amount bar chart as PNG bytes. */
export function paidChartPng(series: { day: string; paidAmount: number }[], size = CHART_SIZE): Buffer {
  return svgToPng(paidChartSvg(series, size));
}
