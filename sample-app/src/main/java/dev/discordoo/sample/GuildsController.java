package dev.discordoo.sample;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.discordoo.sample.ConditionalOnShardingRole.Role;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.Targets;

/**
 * The bot's guild counts over HTTP, served by the manager (instances run no web server).
 * {@code GET /guilds} answers from the instances' last reports, {@code GET /guilds/live}
 * asks every instance now.
 */
@RestController
@RequestMapping("/guilds")
@ConditionalOnShardingRole(Role.MANAGER)
public class GuildsController {

	/** How long an instance may take to answer; a slow one then answers {@code TIMEOUT}. */
	private static final Duration LIVE_TIMEOUT = Duration.ofSeconds(5);

	private final GuildCountAggregator aggregator;

	private final ShardingManager manager;

	/**
	 * Create a controller.
	 * @param aggregator the instances' reports
	 * @param manager the sharding manager
	 */
	public GuildsController(GuildCountAggregator aggregator, ShardingManager manager) {
		this.aggregator = aggregator;
		this.manager = manager;
	}

	/**
	 * Return the guild counts the instances last reported.
	 * @return the total and each instance's report
	 */
	@GetMapping
	public Reported reported() {
		return new Reported(this.aggregator.total(), this.aggregator.reports());
	}

	/**
	 * Ask every instance for its guild count now. Answers once every instance has answered or
	 * failed: an instance that is down answers {@code NOT_CONNECTED}, so the others' counts
	 * still come back, and {@code complete} tells whether the total counts every instance.
	 * @return the total of the answers and each instance's result
	 */
	@GetMapping("/live")
	public CompletableFuture<Live> live() {
		return this.manager
			.request(GuildCountReporter.REQUEST, null, Targets.all(), GuildCount.class, LIVE_TIMEOUT)
			.thenApply(Live::of);
	}

	/**
	 * Look one guild up: the request goes to the one instance that runs the guild's shard
	 * ({@code Targets.guild(id)}), which answers from its own caches.
	 * @param id the guild id
	 * @return the guild, or 404 when its shard does not see it
	 */
	@GetMapping("/{id}")
	public CompletableFuture<ResponseEntity<InstanceResult<GuildInfo>>> guild(@PathVariable long id) {
		return this.manager
			.request(GuildCountReporter.GUILD_REQUEST, id, Targets.guild(id), GuildInfo.class, LIVE_TIMEOUT)
			.thenApply((results) -> {
				InstanceResult<GuildInfo> result = results.get(0);
				return (result.ok() && result.value() == null) ? ResponseEntity.status(404).body(result)
						: ResponseEntity.ok(result);
			});
	}

	/**
	 * The answer of {@code GET /guilds}.
	 *
	 * @param total the guilds of every instance that reported
	 * @param instances each instance's last report
	 */
	public record Reported(int total, List<GuildCountAggregator.Report> instances) {

	}

	/**
	 * The answer of {@code GET /guilds/live}.
	 *
	 * @param total the guilds of the instances that answered
	 * @param complete whether every instance answered
	 * @param instances one result per instance: its count, or why there is none
	 */
	public record Live(int total, boolean complete, List<InstanceResult<GuildCount>> instances) {

		static Live of(List<InstanceResult<GuildCount>> results) {
			int total = results.stream()
				.filter((result) -> result.ok() && result.value() != null)
				.mapToInt((result) -> result.value().guilds())
				.sum();
			boolean complete = results.stream().allMatch(InstanceResult::ok);
			return new Live(total, complete, results);
		}

	}

}
