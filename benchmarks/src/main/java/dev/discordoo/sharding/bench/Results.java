package dev.discordoo.sharding.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * The table every scenario adds its figures to: median and min–max over runs, beside the
 * issue's goal for comparison (never asserted).
 */
final class Results {

	/**
	 * One figure.
	 * @param scenario the scenario name
	 * @param figure what was measured
	 * @param summary median and range over runs
	 * @param format how a value is shown, with its unit
	 * @param goal the goal, or empty
	 * @param note settings or remarks shown beside it, or empty
	 */
	record Row(String scenario, String figure, Stats.Summary summary, DoubleFunction<String> format, String goal,
			String note) {
	}

	private final List<Row> rows = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	synchronized void add(String scenario, String figure, Stats.Summary summary, DoubleFunction<String> format,
			String goal, String note) {
		Row row = new Row(scenario, figure, summary, format, goal, note);
		this.rows.add(row);
		System.out.println("  " + figure + ": " + format.apply(summary.median()) + " (" + range(row) + ", "
				+ summary.runs() + " runs)" + (goal.isEmpty() ? "" : "   goal " + goal));
	}

	synchronized void note(String note) {
		this.notes.add(note);
	}

	synchronized String markdown(String header) {
		StringBuilder out = new StringBuilder(header);
		out.append("| scenario | figure | median | min – max | runs | goal | settings / notes |\n");
		out.append("|---|---|---:|---:|---:|---|---|\n");
		for (Row row : this.rows) {
			out.append("| ").append(row.scenario()).append(" | ").append(row.figure()).append(" | ")
				.append(row.format().apply(row.summary().median())).append(" | ").append(range(row)).append(" | ")
				.append(row.summary().runs()).append(" | ").append(row.goal()).append(" | ").append(row.note())
				.append(" |\n");
		}
		if (!this.notes.isEmpty()) {
			out.append('\n');
			for (String note : this.notes) {
				out.append("- ").append(note).append('\n');
			}
		}
		return out.toString();
	}

	void write(Path file, String header) throws IOException {
		Files.createDirectories(file.getParent());
		Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(tmp, markdown(header));
		Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
				java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}

	/**
	 * Write the figures, formatted, one per line, for {@link MergeMain} to put beside the
	 * figures of other JDKs: {@code #jdk}, {@code #jvm} and {@code #note} lines, then rows of
	 * scenario, figure, median, range, runs, goal and note, separated by tabs.
	 */
	synchronized void writeRows(Path file) throws IOException {
		List<String> lines = new ArrayList<>();
		lines.add("#jdk\t" + Runtime.version().feature());
		lines.add("#jvm\t" + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		this.notes.forEach((note) -> lines.add("#note\t" + note));
		for (Row row : this.rows) {
			lines.add(String.join("\t", row.scenario(), row.figure(), row.format().apply(row.summary().median()),
					range(row), Integer.toString(row.summary().runs()), row.goal(), row.note()));
		}
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.write(file, lines);
	}

	private static String range(Row row) {
		return row.format().apply(row.summary().min()) + " – " + row.format().apply(row.summary().max());
	}

	// formats

	static String micros(double nanos) {
		return fixed(nanos / 1_000.0) + " µs";
	}

	static String millis(double nanos) {
		return fixed(nanos / 1_000_000.0) + " ms";
	}

	static String nanos(double nanos) {
		return fixed(nanos) + " ns";
	}

	static String ratio(double value) {
		return String.format(Locale.ROOT, "%.2f×", value);
	}

	static String perSecond(double value) {
		if (value >= 1_000_000) {
			return String.format(Locale.ROOT, "%.2f M/s", value / 1_000_000);
		}
		return String.format(Locale.ROOT, "%.0f k/s", value / 1_000);
	}

	/** A fraction as a signed percentage: 0.031 is "+3.1 %". */
	static String percent(double fraction) {
		return String.format(Locale.ROOT, "%+.1f %%", fraction * 100);
	}

	static String mebibytes(double bytes) {
		return fixed(bytes / (1024.0 * 1024.0)) + " MiB";
	}

	/** Three significant digits, never scientific. */
	static String fixed(double value) {
		double abs = Math.abs(value);
		if (abs >= 100) {
			return String.format(Locale.ROOT, "%.0f", value);
		}
		if (abs >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

}
