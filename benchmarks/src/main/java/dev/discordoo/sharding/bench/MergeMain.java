package dev.discordoo.sharding.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts the figures of one {@code benchmarks/run} on several JDKs side by side: reads the
 * rows each JDK's run wrote ({@link Results#writeRows}) and writes one table with a median
 * and a range per JDK.
 *
 * <p>Arguments: the results file to write, the scenarios that ran (comma-separated), then
 * the rows files in the order of their columns.
 */
public final class MergeMain {

	private MergeMain() {
	}

	/** The figures of one JDK. */
	private record Run(String jdk, String jvm, List<String> notes, Map<String, String[]> rows) {
	}

	public static void main(String[] args) throws IOException {
		Path out = Path.of(args[0]);
		List<String> scenarios = List.of(args[1].split(","));
		List<Run> runs = new ArrayList<>();
		for (int i = 2; i < args.length; i++) {
			runs.add(read(Path.of(args[i])));
		}
		String table = table(scenarios, runs);
		System.out.println(table);
		Files.createDirectories(out.toAbsolutePath().getParent());
		Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
		Files.writeString(tmp, table);
		Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		System.out.println("wrote " + System.getProperty("bench.results.display", out.toString()));
	}

	private static Run read(Path file) throws IOException {
		String jdk = "?";
		String jvm = "";
		List<String> notes = new ArrayList<>();
		Map<String, String[]> rows = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file)) {
			String[] fields = line.split("\t", -1);
			switch (fields[0]) {
				case "#jdk" -> jdk = fields[1];
				case "#jvm" -> jvm = fields[1];
				case "#note" -> notes.add(fields[1]);
				default -> rows.put(fields[0] + "\t" + fields[1], fields);
			}
		}
		return new Run(jdk, jvm, notes, rows);
	}

	private static String table(List<String> scenarios, List<Run> runs) {
		StringBuilder out = new StringBuilder("# discordoo-sharding benchmarks\n\n");
		out.append("Scenarios: ").append(String.join(", ", scenarios))
			.append(". Median over runs, min – max of the runs, for each JDK the benchmark JVM and its child JVMs ran on; ")
			.append("goals are the issue's, printed for comparison only.\n\n");
		out.append(BenchMain.runLines());
		for (Run run : runs) {
			out.append("- JDK ").append(run.jdk()).append(": ").append(run.jvm()).append('\n');
		}
		out.append("- benchmark JVM args -Xms1g -Xmx2g; link peers ")
			.append(String.join(" ", LinkScenarios.PEER_JVM_ARGS.stream().filter((arg) -> arg.startsWith("-X")).toList()))
			.append("\n\n");
		out.append("| scenario | figure |");
		runs.forEach((run) -> out.append(" JDK ").append(run.jdk()).append(" median | JDK ").append(run.jdk())
			.append(" min – max |"));
		out.append(" runs | goal | settings / notes |\n|---|---|");
		runs.forEach((run) -> out.append("---:|---:|"));
		out.append("---:|---|---|\n");
		Set<String> keys = new LinkedHashSet<>();
		runs.forEach((run) -> keys.addAll(run.rows().keySet()));
		for (String key : keys) {
			String[] first = runs.stream().map((run) -> run.rows().get(key)).filter((row) -> row != null).findFirst()
				.orElseThrow();
			out.append("| ").append(first[0]).append(" | ").append(first[1]).append(" |");
			Set<String> counts = new LinkedHashSet<>();
			Set<String> goals = new LinkedHashSet<>();
			Set<String> notes = new LinkedHashSet<>();
			for (Run run : runs) {
				String[] row = run.rows().get(key);
				if (row == null) {
					out.append(" | |");
					continue;
				}
				out.append(' ').append(row[2]).append(" | ").append(row[3]).append(" |");
				counts.add(row[4]);
				if (!row[5].isEmpty()) {
					goals.add((runs.size() > 1 && !allSame(runs, key, 5) ? "JDK " + run.jdk() + ": " : "") + row[5]);
				}
				if (!row[6].isEmpty()) {
					notes.add((runs.size() > 1 && !allSame(runs, key, 6) ? "JDK " + run.jdk() + ": " : "") + row[6]);
				}
			}
			out.append(' ').append(String.join(" / ", counts)).append(" | ").append(String.join("; ", goals))
				.append(" | ").append(String.join(" / ", notes)).append(" |\n");
		}
		out.append('\n');
		for (Run run : runs) {
			for (String note : run.notes()) {
				out.append("- ").append(runs.size() > 1 ? "JDK " + run.jdk() + ": " : "").append(note).append('\n');
			}
		}
		return out.toString();
	}

	private static boolean allSame(List<Run> runs, String key, int field) {
		return runs.stream().map((run) -> run.rows().get(key)).map((row) -> (row != null) ? row[field] : "")
			.distinct()
			.count() == 1;
	}

}
