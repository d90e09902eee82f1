import { BarChart, LinesChart, PieChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// only what the console draws: polygons (geo), points, bars and pies, on canvas
echarts.use([GeoComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, ScatterChart, LinesChart, BarChart, PieChart, CanvasRenderer]);
export { echarts };

type Option = Parameters<echarts.ECharts['setOption']>[0];

/** An ECharts chart that follows its container's size; `onClick` gets the clicked item's params. */
export function EChart({
  option,
  height = 480,
  onClick,
  label,
}: {
  option: Option;
  height?: number | string;
  onClick?: (p: { componentType: string; name: string; data?: unknown }) => void;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const c = echarts.init(ref.current!);
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current!);
    return () => {
      ro.disconnect();
      c.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  useEffect(() => {
    const c = chart.current;
    if (!c || !onClick) return;
    const h = (p: unknown) => onClick(p as { componentType: string; name: string; data?: unknown });
    c.on('click', h);
    return () => void c.off('click', h);
  }, [onClick]);
  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
