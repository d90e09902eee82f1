import { Tag, Tooltip } from 'antd';
import { formatTime } from '../format';
import { daysLeft, daysLeftText } from './documents';

/** A legal clock (or a party's window, `window`): its days left, coloured (green, orange when near due, red when overdue), its basis on hover. */
export function ClockTag({
  label,
  dueAt,
  legalBasis,
  days,
  paused,
  window = false,
}: {
  label?: string;
  dueAt: string | number;
  legalBasis?: string;
  days?: number;
  paused?: boolean;
  window?: boolean;
}) {
  const n = days ?? daysLeft(dueAt);
  // a party's window (to object, to ask for review) that has passed is closed, not overdue
  const closed = window && n < 0;
  const colour = paused || closed ? 'default' : n < 0 ? 'red' : n <= 3 ? 'orange' : 'green';
  return (
    <Tooltip
      title={`${label ? `${label}：` : ''}${formatTime(typeof dueAt === 'number' ? new Date(dueAt).toISOString() : dueAt)} 届满${legalBasis ? `（${legalBasis}）` : ''}`}
    >
      <Tag color={colour} data-testid="clock">
        {label ? `${label} ` : ''}
        {paused ? '已中止计时' : closed ? '已届满' : daysLeftText(n)}
      </Tag>
    </Tooltip>
  );
}
