"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { formatSeoulTimeOfDay } from "~/app/(admin)/admin/_lib/seoul-time.ts";

export type ChartPoint = { second: number; attempts: number; wins: number };

/**
 * Attempts and wins per second as two lines. Loaded with next/dynamic from the admin pages only, so recharts never
 * reaches a storefront bundle, and only in the browser (it measures its container).
 */
export default function TimelineChart({ points, label, attemptsLabel, winsLabel }: { points: ChartPoint[]; label: string; attemptsLabel: string; winsLabel: string }) {
  return (
    <figure aria-label={label} className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
          <XAxis dataKey="second" type="number" domain={["dataMin", "dataMax"]} scale="time" tickFormatter={(value: number) => formatSeoulTimeOfDay(value)} minTickGap={40} fontSize={12} />
          <YAxis allowDecimals={false} width={48} fontSize={12} />
          <Tooltip labelFormatter={(value) => formatSeoulTimeOfDay(Number(value))} />
          <Legend />
          <Line type="linear" dataKey="attempts" name={attemptsLabel} stroke="#e11d48" dot={false} isAnimationActive={false} strokeWidth={2} />
          <Line type="linear" dataKey="wins" name={winsLabel} stroke="#059669" dot={false} isAnimationActive={false} strokeWidth={2} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
