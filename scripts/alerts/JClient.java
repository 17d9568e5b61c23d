import javax.net.ssl.*;
import java.io.*;
import java.security.KeyStore;
import java.security.cert.*;

// A JSSE client for alert-matrix.sh: connects with one protocol version, checking the host name, trusting only the
// given root, and says how it ended.
//
// usage: java JClient.java HOST PORT ROOT.pem [TLSv1.2|TLSv1.3]   (without a version: the JDK's default offer)
public class JClient {
  public static void main(String[] a) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = new FileInputStream(a[2])) { ks.setCertificateEntry("root", cf.generateCertificate(in)); }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(a[0], Integer.parseInt(a[1]));
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    if (a.length > 3) p.setProtocols(new String[] { a[3] });
    s.setSSLParameters(p);
    try { s.startHandshake(); System.out.println("java ok"); }
    catch (Exception e) { System.out.println("java error: " + e); }
    s.close();
  }
}
