package dev.discordoo.sharding.snowflake;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DiscordooSnowflakeTests {

	@Test
	void generatesTheGoldenVectors() {
		assertThat(DiscordooSnowflake.generate(8379, 543029, 1624754866109L))
			.isEqualTo("1183444843991979760462785602312470528");
		assertThat(DiscordooSnowflake.generate(1111111111, 12345, 1700000000000L))
			.isEqualTo("7005255094308110121991574096103604224");
		assertThat(DiscordooSnowflake.generate(0, 12345, 1700000000000L, 1))
			.isEqualTo("7005255094308110121986913758326292481");
	}

	@Test
	void deconstructsTheGoldenVectors() {
		assertThat(DiscordooSnowflake.deconstruct("1183444843991979760462785602312470528"))
			.isEqualTo(new DeconstructedSnowflake(1624754866109L, 543029, 8379, 0));
		assertThat(DiscordooSnowflake.deconstruct("7005255094308110121986913758326292481"))
			.isEqualTo(new DeconstructedSnowflake(1700000000000L, 12345, 0, 1));
	}

	@Test
	void roundTripsTheWidestParts() {
		long max = 0xFFFF_FFFFL;
		String id = DiscordooSnowflake.generate(max, max, 1700000000000L, DiscordooSnowflake.MAX_INCREMENT - 1);
		assertThat(DiscordooSnowflake.deconstruct(id))
			.isEqualTo(new DeconstructedSnowflake(1700000000000L, max, max, DiscordooSnowflake.MAX_INCREMENT - 1));
	}

	@Test
	void generateUsesTheClockAndTheGivenIds() {
		long before = System.currentTimeMillis();
		DeconstructedSnowflake parts = DiscordooSnowflake.deconstruct(DiscordooSnowflake.generate(3, 4242));
		assertThat(parts.shardId()).isEqualTo(3);
		assertThat(parts.workerId()).isEqualTo(4242);
		assertThat(parts.timestamp()).isGreaterThanOrEqualTo(before);
	}

	@Test
	void generatePartialSetsOnlyTheTimestamp() {
		String partial = DiscordooSnowflake.generatePartial(1700000000000L);
		assertThat(DiscordooSnowflake.deconstruct(partial))
			.isEqualTo(new DeconstructedSnowflake(1700000000000L, 0, 0, 0));
	}

	@Test
	void rejectsIdsOutsideThirtyTwoBits() {
		assertThatIllegalArgumentException().isThrownBy(() -> DiscordooSnowflake.generate(-1, 1))
			.withMessageContaining("shardId");
		assertThatIllegalArgumentException().isThrownBy(() -> DiscordooSnowflake.generate(1, 1L << 32))
			.withMessageContaining("workerId");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DiscordooSnowflake.generate(1, 1, 1700000000000L, DiscordooSnowflake.MAX_INCREMENT))
			.withMessageContaining("increment");
		assertThatIllegalArgumentException().isThrownBy(() -> DiscordooSnowflake.generate(1, 1, 0))
			.withMessageContaining("timestamp");
	}

	@Test
	void rejectsMalformedText() {
		assertThatIllegalArgumentException().isThrownBy(() -> DiscordooSnowflake.deconstruct("-5"));
		assertThatIllegalArgumentException().isThrownBy(() -> DiscordooSnowflake.deconstruct("12a"));
		assertThatIllegalArgumentException().isThrownBy(() -> DiscordooSnowflake.deconstruct(""));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DiscordooSnowflake.deconstruct("340282366920938463463374607431768211456"))
			.withMessageContaining("128 bits");
	}

	@Test
	void concurrentGenerationNeverRepeatsAnId() throws Exception {
		int threads = 4;
		int perThread = 50_000;
		Set<String> seen = ConcurrentHashMap.newKeySet();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Callable<Void>> tasks = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				tasks.add(() -> {
					for (int i = 0; i < perThread; i++) {
						seen.add(DiscordooSnowflake.generate(7, 99));
					}
					return null;
				});
			}
			for (Future<Void> done : pool.invokeAll(tasks)) {
				done.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(seen).hasSize(threads * perThread);
	}

}
