package dev.discordoo.sharding.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Percentiles of one run's samples, and the median and range of a figure over runs.
 */
final class Stats {

	private Stats() {
	}

	/**
	 * Return a percentile of samples by the nearest-rank method.
	 * @param sorted the samples, sorted ascending
	 * @param percentile from 0 (exclusive) to 100
	 * @return the sample at that rank
	 */
	static long percentile(long[] sorted, double percentile) {
		if (sorted.length == 0) {
			throw new IllegalArgumentException("no samples");
		}
		int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
		return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
	}

	static long[] sorted(long[] samples) {
		long[] copy = samples.clone();
		Arrays.sort(copy);
		return copy;
	}

	/**
	 * The median and range of one figure over repeated runs.
	 * @param median the median of the runs (the mean of the middle two for an even count)
	 * @param min the lowest run
	 * @param max the highest run
	 * @param runs how many runs
	 */
	record Summary(double median, double min, double max, int runs) {

		static Summary of(List<Double> values) {
			if (values.isEmpty()) {
				throw new IllegalArgumentException("no runs");
			}
			double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
			int n = sorted.length;
			double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
			return new Summary(median, sorted[0], sorted[n - 1], n);
		}

	}

}
