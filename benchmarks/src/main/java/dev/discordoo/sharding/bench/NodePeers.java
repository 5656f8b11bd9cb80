package dev.discordoo.sharding.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The peers in other languages that run in the same benchmark run, for comparison: the
 * Node.js scripts of {@code benchmarks/peers} (discord.js's {@code ShardingManager},
 * node-ipc). {@code benchmarks/run} installs their npm packages first; without Node.js or
 * the packages the peers are skipped with a note in the table.
 */
final class NodePeers {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Results results;

	private final Path directory = Path.of(System.getProperty("bench.peers", "peers"));

	NodePeers(Results results) {
		this.results = results;
	}

	ObjectNode options() {
		return mapper.createObjectNode();
	}

	/**
	 * Run one peer script to its end and read the one line of JSON it prints.
	 * @param script the script in {@code benchmarks/peers}
	 * @param options its options, as JSON
	 * @param minutes how long it may take
	 * @return its result, or {@code null} when the peers cannot run here (noted in the table)
	 */
	JsonNode run(String script, JsonNode options, int minutes) throws Exception {
		if (!Files.isDirectory(this.directory.resolve("node_modules"))) {
			this.results.note(script + " skipped: no " + this.directory.resolve("node_modules")
					+ " (benchmarks/run installs it with npm when Node.js is on the PATH)");
			return null;
		}
		Process process = Children.start(List.of("node", script, mapper.writeValueAsString(options)), this.directory);
		try {
			String line = Children.awaitLine(process, (text) -> text.startsWith("{")).get(minutes, TimeUnit.MINUTES);
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(script + " did not exit cleanly");
			}
			return mapper.readTree(line);
		}
		finally {
			Children.destroyTree(process.toHandle());
		}
	}

	/** The numbers of a JSON array of a peer's result. */
	static List<Double> values(JsonNode result, String field) {
		List<Double> values = new ArrayList<>();
		result.get(field).forEach((value) -> values.add(value.doubleValue()));
		return values;
	}

}
