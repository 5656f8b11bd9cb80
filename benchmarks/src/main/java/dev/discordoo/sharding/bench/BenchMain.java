package dev.discordoo.sharding.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point of {@code benchmarks/run}: runs the named scenarios (all by default) in
 * order, prints the table of medians and ranges, and writes it to the results file.
 */
public final class BenchMain {

	@FunctionalInterface
	private interface Scenario {

		void run() throws Exception;

	}

	private BenchMain() {
	}

	public static void main(String[] args) throws Exception {
		quietLogging();
		Results results = new Results();
		Config config = new Config();
		LinkScenarios link = new LinkScenarios(results, config);
		ManagerScenarios managers = new ManagerScenarios(results, config);
		IdentifyScenarios identify = new IdentifyScenarios(results, config);
		MicroScenario micro = new MicroScenario(results, config);
		Map<String, Scenario> scenarios = new LinkedHashMap<>();
		scenarios.put("link-rtt", link::rtt);
		scenarios.put("link-throughput", link::throughput);
		scenarios.put("fan-out", managers::fanOut);
		scenarios.put("spawn", managers::spawn);
		scenarios.put("identify", identify::run);
		scenarios.put("failover", managers::failover);
		scenarios.put("memory", managers::memory);
		scenarios.put("jda", new JdaScenarios(results, config)::run);
		ClusterScenarios cluster = new ClusterScenarios(results, config);
		scenarios.put("cluster", cluster::run);
		scenarios.put("cluster-fan-out", cluster::fanOut);
		scenarios.put("cluster-fan-out-tls", cluster::fanOutOverTls);
		scenarios.put("micro", micro::run);
		List<String> chosen = new ArrayList<>(List.of(args));
		if (chosen.isEmpty() || chosen.contains("all")) {
			chosen = new ArrayList<>(scenarios.keySet());
		}
		for (String name : chosen) {
			if (!scenarios.containsKey(name)) {
				System.err.println("unknown scenario '" + name + "'; scenarios: all " + String.join(" ", scenarios.keySet()));
				System.exit(2);
			}
		}
		long start = System.nanoTime();
		List<String> failed = new ArrayList<>();
		for (String name : chosen) {
			long scenarioStart = System.nanoTime();
			try {
				scenarios.get(name).run();
			}
			catch (Exception | Error ex) {
				failed.add(name);
				System.err.println("scenario " + name + " failed:");
				ex.printStackTrace();
				results.note("scenario " + name + " failed: " + ex);
			}
			finally {
				Children.destroyAll();
			}
			System.out.printf("  (%s took %.1f s)%n", name, (System.nanoTime() - scenarioStart) / 1e9);
		}
		long leftover = Children.awaitNoDescendants(10_000);
		results.note("scenarios took " + Math.round((System.nanoTime() - start) / 1e9) + " s; processes left behind: "
				+ leftover);
		String header = header(chosen);
		String table = results.markdown(header);
		System.out.println();
		System.out.println(table);
		Path file = Path.of(System.getProperty("bench.results", "results/latest.md"));
		results.write(file, header);
		String rows = System.getProperty("bench.rows");
		if (rows != null) {
			results.writeRows(Path.of(rows));
		}
		System.out.println("wrote " + System.getProperty("bench.results.display", file.toString()));
		if (leftover > 0) {
			System.err.println(leftover + " processes were left behind");
		}
		System.exit(failed.isEmpty() && leftover == 0 ? 0 : 1);
	}

	/**
	 * Configure logback for the scenarios that run before any Spring Boot application (whose
	 * logging system then takes over with {@code logging.level.root=warn}, and would warn about
	 * the system property if it were still set).
	 */
	private static void quietLogging() {
		System.setProperty("logback.configurationFile", "bench-logback.xml");
		org.slf4j.LoggerFactory.getILoggerFactory();
		System.clearProperty("logback.configurationFile");
	}

	static String header(List<String> chosen) {
		StringBuilder out = new StringBuilder("# discordoo-sharding benchmarks\n\n");
		out.append("Scenarios: ").append(String.join(", ", chosen)).append(". Median over runs, min – max of the runs; ")
			.append("goals are the benchmark issue's, printed for comparison only.\n\n");
		out.append(runLines());
		out.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
			.append(System.getProperty("java.runtime.version")).append("; benchmark JVM args ")
			.append(String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean()
				.getInputArguments()
				.stream()
				.filter((arg) -> arg.startsWith("-X"))
				.toList()))
			.append("; link peers ")
			.append(String.join(" ", LinkScenarios.PEER_JVM_ARGS.stream().filter((arg) -> arg.startsWith("-X")).toList())).append("\n\n");
		return out.toString();
	}

	/** The date, commit and machine lines of a results header. */
	static String runLines() {
		StringBuilder out = new StringBuilder();
		out.append("- date: ")
			.append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
			.append('\n');
		String commit = System.getProperty("bench.commit", "");
		if (!commit.isEmpty()) {
			out.append("- commit: ").append(commit).append('\n');
		}
		out.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores")
			.append(cpuModel()).append(", ").append(totalMemory()).append(", ").append(System.getProperty("os.name"))
			.append(' ').append(System.getProperty("os.arch")).append('\n');
		return out.toString();
	}

	static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.findFirst()
				.map((line) -> " (" + line.substring(line.indexOf(':') + 1).trim() + ")")
				.orElse("");
		}
		catch (Exception ex) {
			return "";
		}
	}

	static String totalMemory() {
		try {
			return Files.readAllLines(Path.of("/proc/meminfo"))
				.stream()
				.filter((line) -> line.startsWith("MemTotal:"))
				.findFirst()
				.map((line) -> Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0) + " GiB RAM")
				.orElse("");
		}
		catch (Exception ex) {
			return "";
		}
	}

}
