import { declaredType, sniffImage } from './attachment-files';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('attachment files', () => {
  it('knows JPEG, PNG and WebP by their first bytes', () => {
    expect(sniffImage(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('image/jpeg');
    expect(sniffImage(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d))).toBe('image/png');
    expect(sniffImage(bytes(0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50, 0x56))).toBe('image/webp');
  });

  it('refuses other files, truncated signatures and a RIFF that is not WebP', () => {
    expect(sniffImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(bytes(0x47, 0x49, 0x46, 0x38, 0x39, 0x61))).toBeNull(); // GIF89a
    expect(sniffImage(bytes(0xff, 0xd8))).toBeNull();
    expect(sniffImage(bytes(0x89, 0x50, 0x4e, 0x47))).toBeNull();
    expect(sniffImage(bytes(0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45))).toBeNull(); // RIFF WAVE
    expect(sniffImage(new Uint8Array())).toBeNull();
  });

  it('reads the declared type without parameters, case-insensitively, and only the three image types', () => {
    expect(declaredType('image/JPEG; charset=binary')).toBe('image/jpeg');
    expect(declaredType('image/webp')).toBe('image/webp');
    expect(declaredType('image/gif')).toBeNull();
    expect(declaredType('image/svg+xml')).toBeNull();
    expect(declaredType(undefined)).toBeNull();
  });
});
