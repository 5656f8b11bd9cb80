package dev.discordoo.sharding.manager;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

import dev.discordoo.sharding.ipc.IpcClient;
import dev.discordoo.sharding.ipc.IpcLink;

/**
 * One spawn of an instance, with everything it owns: its id and secret, the spare it took
 * over (if any), its spawn slot, the launched process or worker, the IPC client and link, and
 * the deadline it is waiting on. {@link #close()} gives back all that this side holds; it may
 * be called from any path, any number of times. Fields are written under the owning
 * {@link InstanceHandle}'s lock and read anywhere.
 */
final class InstanceAttempt {

	private static final SecureRandom random = new SecureRandom();

	final String instanceId;

	final String token;

	final SparePool.@Nullable Spare spare;

	/** Completes once launched, with {@code null} when the attempt ended before it was. */
	final CompletableFuture<@Nullable LaunchedInstance> launchedFuture = new CompletableFuture<>();

	volatile @Nullable LaunchedInstance launched;

	volatile @Nullable IpcClient client;

	volatile @Nullable IpcLink link;

	volatile boolean cancelled;

	/** Past the point of no return: the launch has begun and will complete the future. */
	volatile boolean launching;

	private volatile SpawnThrottle.@Nullable Slot slot;

	private volatile @Nullable ScheduledFuture<?> deadline;

	InstanceAttempt(String instanceId, String token, SparePool.@Nullable Spare spare) {
		this.instanceId = instanceId;
		this.token = token;
		this.spare = spare;
	}

	/** A fresh attempt with its own secret. */
	static InstanceAttempt fresh(String instanceId) {
		return new InstanceAttempt(instanceId, newToken(), null);
	}

	/** A fresh per-spawn secret of 256 bits. */
	static String newToken() {
		byte[] secret = new byte[32];
		random.nextBytes(secret);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
	}

	/** An attempt that takes over a spare, with the spare's id and secret. */
	static InstanceAttempt takingOver(SparePool.Spare spare) {
		return new InstanceAttempt(spare.instanceId(), spare.token(), spare);
	}

	void holdSlot(SpawnThrottle.Slot slot) {
		this.slot = slot;
	}

	void releaseSlot() {
		SpawnThrottle.Slot held = this.slot;
		if (held != null) {
			held.close();
		}
	}

	/** Wait on one deadline at a time: setting one cancels the previous. */
	void deadline(@Nullable ScheduledFuture<?> next) {
		ScheduledFuture<?> previous = this.deadline;
		this.deadline = next;
		if (previous != null) {
			previous.cancel(false);
		}
	}

	/**
	 * Give back what this side holds: the deadline, the spawn slot and the IPC client. A spare
	 * taken over by an attempt that ended before it was launched is destroyed here, since no
	 * one else will.
	 */
	void close() {
		this.cancelled = true;
		deadline(null);
		releaseSlot();
		IpcClient current = this.client;
		if (current != null) {
			current.close();
		}
		if (this.spare != null && this.launched == null) {
			this.spare.launched().destroyForcibly();
		}
	}

	@Override
	public String toString() {
		// never the token
		return "InstanceAttempt[" + this.instanceId + ((this.spare != null) ? ", spare " + this.spare.number() : "")
				+ "]";
	}

}
