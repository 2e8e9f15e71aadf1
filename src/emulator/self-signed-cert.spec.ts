import { describe, expect, it } from '@jest/globals';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSelfSignedCertificate } from './self-signed-cert.js';

describe('createSelfSignedCertificate', () => {
  it('issues a valid self-signed certificate for 127.0.0.1 and localhost matching its key', () => {
    const { cert, key } = createSelfSignedCertificate('test.localhost', 2);
    const x509 = new X509Certificate(cert);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.subject).toBe('CN=test.localhost');
    expect(x509.ca).toBe(true);
    expect(Date.parse(x509.validTo) - Date.now()).toBeGreaterThan(86_400_000);
  });
});

describe('createSelfSignedCertificate, many times over', () => {
  it('always encodes a valid certificate, whatever its random serial', () => {
    for (let round = 0; round < 600; round++) {
      expect(() => createSelfSignedCertificate()).not.toThrow();
    }
  });
});
