package dev.discordoo.sharding.ipc;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

import dev.discordoo.sharding.ipc.FrameMessageMapper.ConnectionIdHeader;
import dev.discordoo.sharding.protocol.OpCode;

/**
 * The outbound side of one connection: a queue of encoded frames, bounded in bytes, written
 * in batches of one flush each.
 *
 * <p>A lone send from an idle connection is written on the sender's own thread, as a plain
 * socket would be: no hand-off, no wake-up. A send that comes within {@link #BURST_WINDOW_NANOS}
 * of the previous write, or while another thread writes, only queues its frame: a writer
 * thread (or the thread already writing) takes everything queued and sends it with one
 * flush, so that a burst leaves in a few large writes instead of one system call per frame.
 * Senders that must never wait for a peer (socket readers, the timer, relays to another
 * instance) always queue and leave the writing to a writer thread.
 *
 * <p>Each batch is one message to Spring Integration's outbound adapter (see
 * {@link IpcResources#sendTo}), sent on the writing thread through a direct channel.
 */
final class FrameWriter {

	private static final Log logger = LogFactory.getLog(FrameWriter.class);

	/**
	 * A send this soon after the previous write is part of a burst and is left to a writer
	 * thread. Shorter than any round trip, so that a request and its answer are never
	 * delayed by a hand-off; longer than the time a sender takes to encode its next frame.
	 */
	private static final long BURST_WINDOW_NANOS = TimeUnit.MICROSECONDS.toNanos(10);

	/** Bytes per write: large enough for few system calls, small enough to free the budget steadily. */
	private static final int MAX_BATCH_BYTES = 256 * 1024;

	/**
	 * How long a close waits for queued frames (an ERROR before the close) to be written: a
	 * peer that reads nothing must not keep the connection, a busy machine must not lose the
	 * ERROR.
	 */
	private static final long CLOSE_LINGER_MILLIS = 5000;

	/** The length header in front of every frame body. */
	static final int HEADER_BYTES = 4;

	private final TcpConnection connection;

	/** Spring Integration's outbound adapter, which writes each batch to the connection its headers name. */
	private final MessageChannel outbound;

	/** Name this connection, for the outbound adapter; the same for every batch. */
	private final MessageHeaders headers;

	private final Executor writers;

	private final ScheduledExecutorService timer;

	private final IpcObserver observer;

	private final long budget;

	private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	/** Held by the one thread that writes; whoever queues a frame makes sure somebody holds it. */
	private final AtomicBoolean writing = new AtomicBoolean();

	private final AtomicInteger waitingForRoom = new AtomicInteger();

	private final Object room = new Object();

	private volatile long lastWriteNanos = System.nanoTime() - BURST_WINDOW_NANOS;

	private volatile boolean closing;

	FrameWriter(TcpConnection connection, MessageChannel outbound, long budget, IpcResources resources) {
		this.connection = connection;
		this.outbound = outbound;
		this.headers = new ConnectionIdHeader(connection.getConnectionId());
		this.budget = budget;
		this.writers = resources.writers();
		this.timer = resources.timer();
		this.observer = resources.observer();
	}

	/**
	 * Queue a frame, waiting while the queue holds more than its budget (so that a sender
	 * faster than its peer is slowed down to it); may write on the caller's thread. On the
	 * reader thread of another connection it only queues: one peer that does not read must
	 * never stop another connection being read.
	 * @param op the op, for the observer
	 * @param body the encoded frame body
	 * @throws IllegalStateException if the connection is closed or closing
	 * @throws org.springframework.messaging.MessagingException if writing on the caller's
	 * thread failed (the connection is closed then)
	 */
	void send(OpCode op, byte[] body) {
		if (IpcResources.onReaderThread() && !IpcResources.readsFor(this)) {
			enqueue(op, body);
			scheduleWrite();
			return;
		}
		awaitRoom();
		enqueue(op, body);
		if (System.nanoTime() - this.lastWriteNanos > BURST_WINDOW_NANOS && this.writing.compareAndSet(false, true)) {
			writeOnce();
		}
		else {
			scheduleWrite();
		}
	}

	/**
	 * Queue a frame without ever waiting; a writer thread writes it.
	 * @param op the op, for the observer
	 * @param body the encoded frame body
	 * @param bounded whether to refuse the frame when the queue is over its budget (relays);
	 * unbounded frames are the small answers and heartbeats the protocol owes the peer
	 * @return whether the frame was queued: {@code false} when the connection is closing, or
	 * the queue is full and the frame bounded
	 */
	boolean offer(OpCode op, byte[] body, boolean bounded) {
		if (this.closing || (bounded && this.queuedBytes.get() >= this.budget)) {
			return false;
		}
		this.queue.add(new Frame(op, body));
		this.queuedBytes.addAndGet(HEADER_BYTES + body.length);
		scheduleWrite();
		return true;
	}

	/**
	 * Return whether {@link #close()} was called: the connection may still be open while the
	 * last frames are written, but nothing more is to be read from it or sent on it.
	 * @return whether it is closing or closed
	 */
	boolean isClosing() {
		return this.closing;
	}

	/**
	 * Return how many bytes wait to be written.
	 * @return the bytes, headers included
	 */
	long queuedBytes() {
		return this.queuedBytes.get();
	}

	/**
	 * Close the connection once what is queued is written, and at the latest after
	 * {@link #CLOSE_LINGER_MILLIS} (a peer that does not read must not keep it open). Frames
	 * sent afterwards are refused.
	 */
	void close() {
		this.closing = true;
		wakeWaiters();
		if (this.queue.isEmpty() && this.writing.compareAndSet(false, true)) {
			// nobody writes and nothing is queued: keep the flag, nothing may be written any more
			this.connection.close();
			return;
		}
		scheduleWrite();
		try {
			this.timer.schedule(this.connection::close, CLOSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.connection.close();
		}
	}

	private void enqueue(OpCode op, byte[] body) {
		if (this.closing || !this.connection.isOpen()) {
			throw new IllegalStateException("IPC connection " + this.connection.getConnectionId() + " is closed");
		}
		this.queue.add(new Frame(op, body));
		this.queuedBytes.addAndGet(HEADER_BYTES + body.length);
	}

	private void awaitRoom() {
		if (this.queuedBytes.get() < this.budget) {
			return;
		}
		this.waitingForRoom.incrementAndGet();
		try {
			synchronized (this.room) {
				while (this.queuedBytes.get() >= this.budget && !this.closing && this.connection.isOpen()) {
					// timed: the connection may close without anybody writing
					this.room.wait(50);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting to send on IPC connection "
					+ this.connection.getConnectionId(), ex);
		}
		finally {
			this.waitingForRoom.decrementAndGet();
		}
	}

	/** Make sure a writer thread writes what is queued, unless a thread writes already. */
	private void scheduleWrite() {
		if (!this.queue.isEmpty() && this.writing.compareAndSet(false, true)) {
			try {
				this.writers.execute(this::writeAll);
			}
			catch (RejectedExecutionException ex) {
				// the resources were closed with their application context: nothing is written any more
				this.writing.set(false);
				logger.debug("IPC resources closed; dropped the queued frames of connection "
						+ this.connection.getConnectionId());
			}
		}
	}

	/** On the sender's thread, holding the flag: one batch, the rest to a writer thread. */
	private void writeOnce() {
		try {
			writeQueued();
		}
		finally {
			release();
		}
	}

	/** On a writer thread, holding the flag: until the queue is empty. */
	private void writeAll() {
		try {
			writeQueued();
		}
		catch (RuntimeException ex) {
			// Spring Integration closed the connection; its close tells the link
			logger.debug("Could not write to IPC connection " + this.connection.getConnectionId(), ex);
		}
		finally {
			release();
		}
	}

	private void release() {
		this.lastWriteNanos = System.nanoTime();
		this.writing.set(false);
		if (this.closing) {
			if (this.queue.isEmpty() && this.writing.compareAndSet(false, true)) {
				this.connection.close();
				return;
			}
		}
		// a frame queued between the last poll and the release must not be left behind
		scheduleWrite();
	}

	private void writeQueued() {
		List<byte[]> bodies = new ArrayList<>();
		List<OpCode> ops = new ArrayList<>();
		long bytes = 0;
		Frame frame;
		while ((frame = this.queue.poll()) != null) {
			bodies.add(frame.body());
			ops.add(frame.op());
			bytes += HEADER_BYTES + frame.body().length;
			if (bytes >= MAX_BATCH_BYTES) {
				write(bodies, ops, bytes);
				bodies = new ArrayList<>();
				ops = new ArrayList<>();
				bytes = 0;
			}
		}
		if (!bodies.isEmpty()) {
			write(bodies, ops, bytes);
		}
	}

	private void write(List<byte[]> bodies, List<OpCode> ops, long bytes) {
		try {
			// one message, one flush: Spring Integration's connection flushes after each send
			this.outbound.send(new GenericMessage<>(new FrameBatch(bodies), this.headers));
		}
		finally {
			// written or lost with the connection: either way no longer waiting
			this.queuedBytes.addAndGet(-bytes);
			wakeWaiters();
		}
		for (OpCode op : ops) {
			try {
				this.observer.onFrameSent(op);
			}
			catch (RuntimeException ex) {
				// the frame is on the wire: a faulty observer must not turn that into a failed send
				logger.debug("IPC observer failed on a sent " + op, ex);
			}
		}
	}

	private void wakeWaiters() {
		if (this.waitingForRoom.get() > 0) {
			synchronized (this.room) {
				this.room.notifyAll();
			}
		}
	}

	private record Frame(OpCode op, byte[] body) {
	}

	/**
	 * Frame bodies to write back to back, each behind its length header, with one flush.
	 * @param bodies the encoded bodies, in order
	 */
	record FrameBatch(List<byte[]> bodies) {
	}

}
