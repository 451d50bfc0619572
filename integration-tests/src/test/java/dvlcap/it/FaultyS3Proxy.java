package dvlcap.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 relay on 127.0.0.1 between an S3 client and an S3 server that injects the faults
 * object stores really produce: {@code 503 SlowDown}, a connection reset partway through a
 * response body, and a slow response. Requests are relayed byte for byte (the Host header the
 * client signed included), one connection upstream per client connection, so a rule sees every
 * request of a keep-alive connection and a reset can cut one exactly after K body bytes.
 */
final class FaultyS3Proxy implements AutoCloseable {

    enum Kind { SLOW_DOWN, RESET, DELAY }

    /** Fires {@code times} times on requests whose method and target (path?query) match. */
    static final class Rule {
        final Kind kind;
        final String method;
        final Pattern target;
        final int param;
        final Boolean copy; // null: any; true: only server-side copies (x-amz-copy-source); false: none
        final AtomicInteger remaining;
        final AtomicInteger fired = new AtomicInteger();

        private Rule(Kind kind, String method, String target, int param, int times, Boolean copy) {
            this.kind = kind;
            this.method = method;
            this.target = Pattern.compile(target);
            this.param = param;
            this.remaining = new AtomicInteger(times);
            this.copy = copy;
        }

        /** Answers {@code 503 SlowDown} with S3's XML error body. */
        static Rule slowDown(String method, String target, int times) {
            return new Rule(Kind.SLOW_DOWN, method, target, 0, times, null);
        }

        /** Relays the response head and {@code bytes} of its body, then resets the connection (RST). */
        static Rule resetAfter(String method, String target, int bytes, int times) {
            return new Rule(Kind.RESET, method, target, bytes, times, null);
        }

        /** Holds the request {@code millis} before relaying it. */
        static Rule delay(String method, String target, int millis, int times) {
            return new Rule(Kind.DELAY, method, target, millis, times, null);
        }

        /** The same rule for server-side copies only (a rename on S3 is a copy then a delete). */
        Rule copiesOnly() {
            return new Rule(kind, method, target.pattern(), param, remaining.get(), true);
        }

        /** The same rule for uploads only, not copies. */
        Rule uploadsOnly() {
            return new Rule(kind, method, target.pattern(), param, remaining.get(), false);
        }

        private boolean take(Head request) {
            if (!request.method.equals(method) || !target.matcher(request.target).find()
                    || (copy != null && copy != request.header("x-amz-copy-source").isPresent())) {
                return false;
            }
            if (remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) <= 0) {
                return false;
            }
            fired.incrementAndGet();
            return true;
        }

        @Override
        public String toString() {
            return kind + " " + method + " " + target.pattern() + (copy == null ? "" : copy ? " (copies)" : " (uploads)")
                    + (param > 0 ? " [" + param + "]" : "") + ": fired " + fired.get();
        }
    }

    private final int upstreamPort;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-s3-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<Kind, AtomicInteger> injected = new EnumMap<>(Kind.class);
    private final AtomicInteger requests = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

    FaultyS3Proxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        for (Kind k : Kind.values()) {
            injected.put(k, new AtomicInteger());
        }
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    Rule add(Rule rule) {
        rules.add(rule);
        return rule;
    }

    /** Removes every rule: from now on a plain relay. */
    void clearRules() {
        rules.clear();
    }

    int injected(Kind kind) {
        return injected.get(kind).get();
    }

    int requests() {
        return requests.get();
    }

    /** Each injected fault as "KIND METHOD target", in order. */
    List<String> log() {
        return List.copyOf(log);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try (client; Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            upstream = up;
            open.add(upstream);
            InputStream cin = new BufferedInputStream(client.getInputStream());
            OutputStream cout = client.getOutputStream();
            InputStream uin = new BufferedInputStream(upstream.getInputStream());
            OutputStream uout = upstream.getOutputStream();
            while (true) {
                Head request = Head.read(cin);
                if (request == null) {
                    return;
                }
                requests.incrementAndGet();
                Rule rule = rules.stream().filter(r -> r.take(request)).findFirst().orElse(null);
                if (rule != null) {
                    injected.get(rule.kind).incrementAndGet();
                    log.add(rule.kind + " " + request.method + " " + request.target);
                }
                if (rule != null && rule.kind == Kind.SLOW_DOWN) {
                    if (!request.expectsContinue()) {
                        Body.copy(request, false, cin, OutputStream.nullOutputStream());
                    } // else: the client waits for "100 Continue" and, given a final status, sends no body
                    cout.write(slowDown(request));
                    cout.flush();
                    return; // "Connection: close" was sent
                }
                if (rule != null && rule.kind == Kind.DELAY) {
                    Thread.sleep(rule.param);
                }
                uout.write(request.bytes);
                uout.flush();
                Head response;
                if (request.expectsContinue()) {
                    response = Head.read(uin);
                    if (response == null) {
                        return;
                    }
                    if (response.status == 100) {
                        cout.write(response.bytes);
                        cout.flush();
                        Body.copy(request, false, cin, uout);
                        uout.flush();
                        response = Head.read(uin);
                    } else {
                        // A final answer before the body: the client will not send it, so this
                        // connection's framing is unknown from here on; relay and close.
                        cout.write(response.bytes);
                        Body.copy(response, request.method.equals("HEAD"), uin, cout);
                        cout.flush();
                        return;
                    }
                } else {
                    Body.copy(request, false, cin, uout);
                    uout.flush();
                    response = Head.read(uin);
                }
                if (response == null) {
                    return;
                }
                cout.write(response.bytes);
                if (rule != null && rule.kind == Kind.RESET) {
                    cout.write(uin.readNBytes(rule.param));
                    cout.flush();
                    client.setSoLinger(true, 0); // close() now sends RST, as a dropped connection does
                    return;
                }
                boolean untilEof = Body.copy(response, request.method.equals("HEAD"), uin, cout);
                cout.flush();
                if (untilEof || response.header("connection").map(v -> v.equalsIgnoreCase("close")).orElse(false)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client or server went away (or we reset it): this connection is over
        } finally {
            open.remove(client);
            if (upstream != null) {
                open.remove(upstream);
            }
        }
    }

    private static byte[] slowDown(Head request) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
                + "<Message>Please reduce your request rate.</Message><Resource>" + request.path()
                + "</Resource><RequestId>dvlcap-faulty-s3-proxy</RequestId></Error>";
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\nx-amz-request-id: dvlcap-faulty-s3-proxy\r\nConnection: close\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        if (!request.method.equals("HEAD")) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }

    /** A request or response head: start line and headers, kept as the exact bytes received. */
    private static final class Head {
        final byte[] bytes;
        final String method; // requests
        final String target; // requests
        final int status; // responses
        private final Map<String, String> headers = new ConcurrentHashMap<>();

        private Head(byte[] bytes) {
            this.bytes = bytes;
            String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] start = lines[0].split(" ", 3);
            boolean response = start[0].startsWith("HTTP/");
            method = response ? "" : start[0];
            target = response ? "" : start[1];
            status = response ? Integer.parseInt(start[1]) : 0;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
        }

        /** The next head on {@code in}, or null at a clean end of stream before its first byte. */
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    if (buf.size() == 0) {
                        return null;
                    }
                    throw new EOFException("end of stream inside an HTTP head");
                }
                buf.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return new Head(buf.toByteArray());
        }

        java.util.Optional<String> header(String name) {
            return java.util.Optional.ofNullable(headers.get(name));
        }

        boolean expectsContinue() {
            return header("expect").map(v -> v.equalsIgnoreCase("100-continue")).orElse(false);
        }

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    /** Message body framing (RFC 9112 §6.3), relayed verbatim. */
    private static final class Body {
        /** Copies the body that follows {@code head}; true if it runs to the end of the stream. */
        static boolean copy(Head head, boolean headRequest, InputStream in, OutputStream out) throws IOException {
            boolean response = head.method.isEmpty();
            if (response && (headRequest || head.status / 100 == 1 || head.status == 204 || head.status == 304)) {
                return false;
            }
            if (head.header("transfer-encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false)) {
                copyChunked(in, out);
                return false;
            }
            String length = head.header("content-length").orElse(null);
            if (length != null) {
                copyExactly(in, out, Long.parseLong(length));
                return false;
            }
            if (!response) {
                return false; // a request without either has no body
            }
            in.transferTo(out);
            return true;
        }

        private static void copyChunked(InputStream in, OutputStream out) throws IOException {
            while (true) {
                String sizeLine = line(in, out);
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    while (!line(in, out).isEmpty()) {
                        // trailer fields
                    }
                    return;
                }
                copyExactly(in, out, size);
                line(in, out); // the CRLF after the chunk
            }
        }

        private static String line(InputStream in, OutputStream out) throws IOException {
            StringBuilder s = new StringBuilder();
            int prev = -1;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("end of stream inside a chunked body");
                }
                out.write(b);
                if (prev == '\r' && b == '\n') {
                    return s.substring(0, s.length() - 1);
                }
                s.append((char) b);
                prev = b;
            }
        }

        private static void copyExactly(InputStream in, OutputStream out, long n) throws IOException {
            byte[] buf = new byte[8192];
            while (n > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) {
                    throw new SocketException("end of stream with " + n + " body bytes missing");
                }
                out.write(buf, 0, r);
                n -= r;
            }
        }
    }
}
