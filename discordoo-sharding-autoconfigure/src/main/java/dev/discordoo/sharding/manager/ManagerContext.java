package dev.discordoo.sharding.manager;

import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.protocol.FrameCodec;

/**
 * What every {@link InstanceHandle} of one manager shares, handed to it once: who the manager
 * is, its settings, the collaborators that launch, pace, decide restarts and route traffic,
 * and the few calls back into the manager's lifecycle ({@link Lifecycle}).
 *
 * @param managerId the manager's snowflake
 * @param pid the manager's process id
 * @param totalShards the bot's total shard count
 * @param ipc IPC limits and timings
 * @param settings spawn pacing, shutdown and ready timeouts
 * @param launcher starts instances
 * @param restartPolicy decides restarts
 * @param resources IPC threads and the shared timer
 * @param codec the frame codec
 * @param spawns paces fresh spawns
 * @param spawner runs launches, which may block
 * @param identify the identify broker, told of instances that are gone
 * @param router routes traffic that is not about an instance's own life
 * @param lifecycle the manager's side of an instance's life
 */
record ManagerContext(String managerId, long pid, int totalShards, IpcSettings ipc, ManagerSettings settings,
		InstanceLauncher launcher, RestartPolicy restartPolicy, IpcResources resources, FrameCodec codec,
		SpawnThrottle spawns, Executor spawner, IdentifyBroker identify, InstanceRouter router, Lifecycle lifecycle) {

	/**
	 * The manager's side of an instance's life.
	 */
	interface Lifecycle {

		/** Whether the manager runs: nothing is spawned or restarted otherwise. */
		boolean isRunning();

		/** Whether a crash restart may spawn now; a restart that may not waits, RESTARTING. */
		boolean mayRestart();

		/** Take a spare to take over, if one is waiting. */
		SparePool.@Nullable Spare takeSpare();

		/** Publish an event, in order, off the caller's locks. */
		void publish(ApplicationEvent event);

		/** The source of published events: the manager. */
		Object eventSource();

		/** An instance became READY. */
		void instanceReady();

	}

}
