package dev.discordoo.sample;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import dev.discordoo.sample.ConditionalOnShardingRole.Role;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ShardEventListener;

/**
 * The manager's side of the guild counts: keeps the last {@value GuildCountReporter#EVENT}
 * each instance reported. An instance that is restarted keeps its last report until its
 * successor sends one; {@link Report#instanceId()} tells which spawn it came from.
 */
@Component
@ConditionalOnShardingRole(Role.MANAGER)
public class GuildCountAggregator {

	private final Map<Integer, Report> reports = new ConcurrentHashMap<>();

	/**
	 * Record an instance's report. Runs on the instance's link handler thread, one report of
	 * an instance at a time, so a later report always replaces an earlier one.
	 * @param count what the instance counted
	 * @param sender the instance
	 */
	@ShardEventListener(GuildCountReporter.EVENT)
	public void onGuildCount(GuildCount count, ShardEventContext sender) {
		if (sender.fromManager()) {
			return;
		}
		this.reports.put(sender.instanceIndex(), new Report(sender.instanceIndex(), sender.senderId(),
				count.guilds(), count.shards(), Instant.now()));
	}

	/**
	 * Return the last report of every instance that reported, by instance index.
	 * @return the reports
	 */
	public List<Report> reports() {
		return this.reports.values().stream().sorted(Comparator.comparingInt(Report::instance)).toList();
	}

	/**
	 * Return the guilds of every instance that reported, by their last reports.
	 * @return the total
	 */
	public int total() {
		return this.reports.values().stream().mapToInt(Report::guilds).sum();
	}

	/**
	 * The last report of one instance.
	 *
	 * @param instance the instance index
	 * @param instanceId the snowflake of the spawn that reported
	 * @param guilds its guilds
	 * @param shards its guilds by shard id
	 * @param reportedAt when the report came
	 */
	public record Report(int instance, String instanceId, int guilds, Map<Integer, Integer> shards,
			Instant reportedAt) {

	}

}
