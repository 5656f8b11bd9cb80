package dev.discordoo.sharding.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import dev.discordoo.sharding.bench.jmh.CodecBenchmarks;
import dev.discordoo.sharding.bench.jmh.SnowflakeBenchmarks;

/**
 * The JMH microbenchmarks (codec, snowflakes) in one forked JVM each; the table shows the
 * median and range of the measurement iterations.
 */
final class MicroScenario {

	private final Results results;

	private final Config config;

	MicroScenario(Results results, Config config) {
		this.results = results;
		this.config = config;
	}

	void run() throws Exception {
		int warmups = this.config.integer("micro.warmups", 3);
		int iterations = this.config.integer("micro.iterations", 5);
		System.out.printf("micro: JMH, 1 fork, %d x 1 s warm-up, %d x 500 ms measurement per benchmark%n", warmups,
				iterations);
		Options options = new OptionsBuilder().include(CodecBenchmarks.class.getName())
			.include(SnowflakeBenchmarks.class.getName())
			.forks(1)
			.jvmArgs("-Xmx512m", "-Dlogback.configurationFile=bench-logback.xml")
			.warmupIterations(warmups)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(iterations)
			.measurementTime(TimeValue.milliseconds(500))
			.verbosity(VerboseMode.SILENT)
			.shouldFailOnError(true)
			.build();
		Collection<RunResult> runs = new Runner(options).run();
		for (RunResult run : runs) {
			String name = run.getParams().getBenchmark();
			name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
			List<Double> scores = new ArrayList<>();
			for (BenchmarkResult benchmark : run.getBenchmarkResults()) {
				for (IterationResult iteration : benchmark.getIterationResults()) {
					scores.add(iteration.getPrimaryResult().getScore());
				}
			}
			this.results.add("micro", name, Stats.Summary.of(scores), Results::nanos, "",
					"JMH average time per op, 1 thread");
		}
	}

}
