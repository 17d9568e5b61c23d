// The Java server of the capture matrix: an HTTPS server on JSSE (SSLServerSocket on port 443) the way a small Java 17
// service runs one, answering each connection's one GET with "ok" and closing it. Its key store, trust store, key
// exchange groups and the algorithms JSSE refuses are the JDK's standard properties, set on the command line as an
// administrator sets them: javax.net.ssl.keyStore (a PKCS#12 of the leaf, its chain and its key),
// javax.net.ssl.trustStore (the roots a client certificate must chain to), jdk.tls.namedGroups, and
// java.security.properties (a file overriding jdk.tls.disabledAlgorithms of java.security). The rest are the
// SSLParameters a program sets on its server socket:
//
//   -protocols TLSv1.2,TLSv1.3   the enabled protocols (setProtocols; the JDK's defaults without it)
//   -ciphers SUITE,...           the enabled cipher suites, JSSE names (setCipherSuites; the defaults without it)
//   -names www.tlsdiag.test,...  the only server names served: an SNIMatcher per name (setSNIMatchers); JSSE ends a
//                                handshake whose SNI no matcher accepts with unrecognized_name
//   -need-client-auth            a client certificate is required (setNeedClientAuth), checked against the trust store
//
// Usage: java -Djavax.net.ssl.keyStore=KEYS.p12 -Djavax.net.ssl.keyStorePassword=changeit [-D…] MatrixServer [options]
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;

public class MatrixServer {
    public static void main(String[] args) throws Exception {
        // the default factory: the key and trust stores of the javax.net.ssl.* properties, as any JSSE server has them
        SSLServerSocket server = (SSLServerSocket) SSLServerSocketFactory.getDefault().createServerSocket(443);
        SSLParameters parameters = server.getSSLParameters();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-protocols" -> parameters.setProtocols(args[++i].split(","));
                case "-ciphers" -> parameters.setCipherSuites(args[++i].split(","));
                case "-names" -> {
                    List<SNIMatcher> matchers = new ArrayList<>();
                    for (String name : args[++i].split(",")) matchers.add(SNIHostName.createSNIMatcher(Pattern.quote(name)));
                    parameters.setSNIMatchers(matchers);
                }
                case "-need-client-auth" -> parameters.setNeedClientAuth(true);
                default -> {
                    System.err.println("MatrixServer: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        server.setSSLParameters(parameters);
        System.err.println("MatrixServer: listening on 443, protocols " + String.join(",", server.getEnabledProtocols())
                + ", " + server.getEnabledCipherSuites().length + " cipher suites, client auth "
                + server.getNeedClientAuth());
        while (true) {
            SSLSocket socket = (SSLSocket) server.accept();
            // a connection per thread: a client's second connection (a retry) is not held up by the first
            new Thread(() -> serve(socket)).start();
        }
    }

    static void serve(SSLSocket socket) {
        String peer = socket.getRemoteSocketAddress().toString();
        try (socket) {
            // a safety net only: every client gives up after 4 s
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            System.err.println("MatrixServer: " + peer + ": " + socket.getSession().getProtocol() + " "
                    + socket.getSession().getCipherSuite());
            String request = readHead(socket.getInputStream());
            System.err.println("MatrixServer: " + peer + ": " + request.lines().findFirst().orElse("(no request)"));
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // A graceful close, as the OpenSSL and Go servers close: close_notify and a FIN, then the client's own
            // close awaited. A bare close() while the client has not closed yet makes JSSE send user_canceled before
            // its close_notify over TLS 1.3, which gnutls-cli takes for a fatal alert after the answer.
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // nothing more is expected from the client but its close_notify
            }
        } catch (IOException e) {
            System.err.println("MatrixServer: " + peer + ": " + e);
        }
    }

    /** The request up to its blank line (a GET has no body), or what came before the client closed. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n") || text.endsWith("\n\n")) break;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
