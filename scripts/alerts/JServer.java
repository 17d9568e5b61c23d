import javax.net.ssl.*;
import java.io.*;
import java.security.KeyStore;
import java.util.List;

// A JSSE server for alert-matrix.sh: accepts one connection, set up for one refusal, and reports the outcome.
// (Groups are limited with -Djdk.tls.namedGroups=x25519 on the command line: SSLParameters.setNamedGroups is Java 20+.)
//
// usage: java JServer.java PORT KEYS.p12 TRUST.p12 plain|clientcert|sni|x25519only
public class JServer {
  public static void main(String[] a) throws Exception {
    char[] pw = "changeit".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(a[1])) { ks.load(in, pw); }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, pw);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(a[2])) { ts.load(in, pw); }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(Integer.parseInt(a[0]), 5, java.net.InetAddress.getByName("127.0.0.1"));
    SSLParameters p = ss.getSSLParameters();
    if (a[3].equals("clientcert")) p.setNeedClientAuth(true);
    if (a[3].equals("sni")) p.setSNIMatchers(List.of(SNIHostName.createSNIMatcher("www\\.tlsdiag\\.test")));
    ss.setSSLParameters(p);
    System.out.println("listening");
    try (SSLSocket s = (SSLSocket) ss.accept()) {
      s.startHandshake();
      System.out.println("java server ok");
      s.getOutputStream().write("HTTP/1.0 200 OK\r\n\r\nok".getBytes());
      s.getInputStream().read();
    } catch (Exception e) { System.out.println("java server error: " + e); }
  }
}
