package dev.discordoo.sharding.bench.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import dev.discordoo.sharding.snowflake.DeconstructedSnowflake;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * Snowflake generation (one per request: every REQUEST gets a fresh event id) and reading.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SnowflakeBenchmarks {

	private final String snowflake = "7005255094308110121986913758326292481";

	@Benchmark
	public String generate() {
		return DiscordooSnowflake.generate(3, 12345);
	}

	@Benchmark
	public DeconstructedSnowflake deconstruct() {
		return DiscordooSnowflake.deconstruct(this.snowflake);
	}

}
