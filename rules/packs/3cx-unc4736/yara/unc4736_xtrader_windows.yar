/*
   Harrier built-in YARA rules: UNC4736 Windows tooling around the 3CX compromise
   (VEILEDSIGNAL from the trojanized X_TRADER, Trading Technologies certificate hunting,
   TAXHAUL / TxR loaders, COLDCAT, Gopuram at selected 3CX victims).

   Author:     Harrier team. Rules written by the team from public facts collected in
               shared/intel/3cx-unc4736.md (source keys in each rule's reference meta).
   Licence:    Harrier project licence. Nothing copied from signature-base or other rule
               sets; strings and constants are public facts quoted in the intel file.
   Modules:    pe, math (libyara 4.2.3).
   Externals:  Harrier_UNC4736_TAXHAUL_TxR_Shellcode_Blob uses `filename` (the base name the
               scanner passes; signature-base convention). With filename empty it never fires.
   Scores:     THOR-style: 40 Notice, 60 Warning, 80+ Alert.
*/

import "pe"
import "math"

/* VEILEDSIGNAL core backdoor (x64): string-hash loop constants, AES-GCM, __tutma cookie. */
rule Harrier_UNC4736_VEILEDSIGNAL_Core
{
   meta:
      description = "VEILEDSIGNAL x64 backdoor core (X_TRADER stage of UNC4736): hash constants 0x12BF507D / 0x12D687, AES-GCM via BCrypt, base64 via CryptBinaryToStringA, __tutma cookie"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 2, 3.1 step 4, 8.2: SB (Mandiant M_Hunting_VEILEDSIGNAL_2 facts), ATTACK T1573.001"
      date = "2026-11-26"
      score = 90
      family = "VEILEDSIGNAL"
      evidence = "[V]"
      remediation = "Isolate the host; look for X_TRADER and C:\\ProgramData\\TPM; reset credentials used on it (VPN included)"
   strings:
      $h1 = { 7D 50 BF 12 }
      $h2 = { 87 D6 12 00 }
      $ck = "__tutma" ascii
      $gcm = "ChainingModeGCM" ascii wide
      $a1 = "CryptBinaryToStringA" ascii
      $a2 = "BCryptGenerateSymmetricKey" ascii
   condition:
      uint16(0) == 0x5A4D and filesize < 5MB
      and uint32(uint32(0x3C)) == 0x00004550
      and uint16(uint32(0x3C) + 0x18) == 0x020B
      and all of them
}

rule Harrier_UNC4736_VEILEDSIGNAL_Comms_Module
{
   meta:
      description = "VEILEDSIGNAL x64 C2 communication module: packed JSON-style HTTP header table, WinINet send, named pipe to the core, COM-style DllGetClassObject export"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 6.6 and 8.2: SB (Mandiant M_Hunting_VEILEDSIGNAL_3 facts), ATTACK T1559"
      date = "2026-11-26"
      score = 85
      family = "VEILEDSIGNAL"
      evidence = "[V]"
      remediation = "Isolate the host; look for X_TRADER and C:\\ProgramData\\TPM; reset credentials used on it"
   strings:
      $hd1 = "application/json, text/javascript, */*; q=0.01" ascii wide
      $hd2 = "en-US,en;q=0.9" ascii wide
      $hd3 = "accept-language" ascii wide
      $hd4 = "cookie" ascii wide
      $a1 = "HttpSendRequestW" ascii
      $a2 = "CreateNamedPipeW" ascii
      $exp = "DllGetClassObject" ascii
   condition:
      uint16(0) == 0x5A4D and filesize < 5MB
      and uint32(uint32(0x3C)) == 0x00004550
      and uint16(uint32(0x3C) + 0x18) == 0x020B
      and all of them
}

rule Harrier_UNC4736_VEILEDSIGNAL_Browser_Injector
{
   meta:
      description = "VEILEDSIGNAL x64 injection module: looks for chrome.exe / firefox.exe / msedge.exe to host the C2 module and enumerates named pipes"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 7.1 and 8.2: SB (Mandiant M_Hunting_VEILEDSIGNAL_5 facts), ATTACK T1055"
      date = "2026-11-26"
      score = 80
      family = "VEILEDSIGNAL"
      evidence = "[V]"
   strings:
      $p1 = "chrome.exe" wide
      $p2 = "firefox.exe" wide
      $p3 = "msedge.exe" wide
      $pipe = "\\\\.\\pipe\\*" wide
      $a1 = "Process32FirstW" ascii
      $a2 = "RtlAdjustPrivilege" ascii
      $a3 = "NtWaitForSingleObject" ascii
      $a4 = "FindFirstFileA" ascii
   condition:
      uint16(0) == 0x5A4D and filesize < 5MB
      and uint32(uint32(0x3C)) == 0x00004550
      and uint16(uint32(0x3C) + 0x18) == 0x020B
      and all of them
}

rule Harrier_UNC4736_VEILEDSIGNAL_TPM_Dropper
{
   meta:
      description = "VEILEDSIGNAL 32-bit dropper/loader from the trojanized X_TRADER: UTF-16 ProgramData and Microsoft\\Windows\\TPM paths with TpmVscMgrSvr.exe, msvcr100.dll and devobj.dll"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 3.1 step 3, 4.1: SB (Mandiant M_Hunting_VEILEDSIGNAL_6 facts and filename IOCs)"
      date = "2026-11-26"
      score = 90
      family = "VEILEDSIGNAL"
      evidence = "[V]"
      remediation = "Uninstall X_TRADER, delete C:\\ProgramData\\TPM after collecting it, isolate the host"
   strings:
      $d = "C:\\Programdata\\" wide nocase
      $f1 = "devobj.dll" wide nocase
      $f2 = "msvcr100.dll" wide nocase
      $f3 = "TpmVscMgrSvr.exe" wide nocase
      $f4 = "\\Microsoft\\Windows\\TPM" wide nocase
   condition:
      uint16(0) == 0x5A4D and filesize < 5MB
      and uint32(uint32(0x3C)) == 0x00004550
      and uint16(uint32(0x3C) + 0x18) == 0x010B
      and all of them
}

rule Harrier_UNC4736_VEILEDSIGNAL_Pipe_And_UA
{
   meta:
      description = "VEILEDSIGNAL variant (Symantec samples): named pipe gecko.nativeMessaging, Edge 95 user agent, JSON Accept header - two of three"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 6.6, 7.1: SB (Symantec-sample rules), Symantec xtrader-3cx-supply-chain (as cited there)"
      date = "2026-11-26"
      score = 85
      family = "VEILEDSIGNAL"
      evidence = "[V]"
   strings:
      $pipe = "gecko.nativeMessaging" ascii wide
      $ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/95.0.4638.54 Safari/537.36 Edg/95.0.1020.40" ascii wide
      $acc = "application/json, text/javascript, */*; q=0.01" ascii wide
   condition:
      uint16(0) == 0x5A4D and filesize < 5MB and 2 of them
}

rule Harrier_UNC4736_VEILEDSIGNAL_Constants
{
   meta:
      description = "VEILEDSIGNAL loader code constants: compare with marker DWORD 0x76F3DA5E, or stack-built XOR key parts 0xDA39F274 and 0xCFE5"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 7.4 and 8.2: SB (VEILEDSIGNAL constants)"
      date = "2026-11-26"
      score = 75
      family = "VEILEDSIGNAL"
      evidence = "[V]"
   strings:
      $m = { 81 BD ?? ?? ?? ?? 5E DA F3 76 }
      $k1 = { C7 ( 45 ?? | 44 24 ?? | 85 ?? ?? ?? ?? ) 74 F2 39 DA }
      $k2 = { 66 C7 ( 45 ?? | 44 24 ?? | 85 ?? ?? ?? ?? ) E5 CF }
   condition:
      uint16(0) == 0x5A4D and filesize < 5MB
      and ( $m or ( $k1 and $k2 ) )
}

rule Harrier_UNC4736_TradingTech_Cert_After_Expiry_Window
{
   meta:
      description = "PE signed with the Trading Technologies International code-signing certificate (Go Daddy G2, serial 00 85 38 A6 C5 01 8F 50 FC) built after 2022-05-01: trojanized X_TRADER installer era"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 1.2: SB (certificate facts and timestamp heuristic), ATTACK T1553.002"
      date = "2026-11-26"
      score = 75
      family = "X_TRADER trojanized installer"
      evidence = "[V]"
      remediation = "X_TRADER is retired: uninstall it; if this file ran, hunt for C:\\ProgramData\\TPM and VEILEDSIGNAL"
   strings:
      $serial = { 00 85 38 A6 C5 01 8F 50 FC }
      $ca = "Go Daddy Secure Certificate Authority - G2"
      $subj = "Trading Technologies International, Inc"
   condition:
      uint16(0) == 0x5A4D and filesize < 300MB
      and pe.timestamp > 1651363200
      and all of them
}

rule Harrier_UNC4736_XTRADER_Stage_URL_In_PE
{
   meta:
      description = "PE containing the www.tradingtechnologies.com/trading/order-management URL found in X_TRADER-stage malware (C2 role unconfirmed; a legitimate TT binary could also carry it)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 3.1 step 4, 6.2: SB (forensic artifact string); C2 role [U]"
      date = "2026-11-26"
      score = 60
      family = "VEILEDSIGNAL"
      evidence = "[V]"
   strings:
      $u = "tradingtechnologies.com/trading/order-management" ascii wide nocase
   condition:
      uint16(0) == 0x5A4D and filesize < 20MB and $u
}

/* TAXHAUL (TxRLoader) on 3CX's own systems and Gopuram's loader at selected victims both
   read DPAPI-encrypted shellcode from C:\Windows\System32\config\TxR\<GUID>.TxR.0.regtrans-ms.
   Real registry transaction logs share the name, so the name alone is not an indicator. */
rule Harrier_UNC4736_TAXHAUL_TxR_Loader
{
   meta:
      description = "TAXHAUL / Gopuram-style loader DLL: builds a <GUID>.TxR.0.regtrans-ms path with a format string and decrypts it with DPAPI (side-loaded as wlbsctrl.dll by IKEEXT)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 2, 3.2 step 8, 7.1: SB (Gopuram format strings), [S] lazarus.day (3CX quoting Mandiant: TAXHAUL, CryptUnprotectData), ATTACK T1574.001"
      date = "2026-11-26"
      score = 85
      family = "TAXHAUL / Gopuram loader"
      evidence = "[V] strings, [S] TAXHAUL behaviour"
      remediation = "Check which service loads it (IKEEXT -> wlbsctrl.dll); collect the matching TxR blob; rebuild the host"
   strings:
      $f1 = "%s.TxR.0.regtrans-ms" ascii wide nocase
      $f2 = "%s\\config\\TxR\\%s.TxR.0.regtrans-m" ascii wide nocase
      $dp = "CryptUnprotectData" ascii
   condition:
      uint16(0) == 0x5A4D and filesize < 3MB
      and uint32(uint32(0x3C)) == 0x00004550
      and 1 of ($f*)
      and ( $dp or ( uint16(uint32(0x3C) + 0x16) & 0x2000 ) != 0 )
}

rule Harrier_UNC4736_TAXHAUL_TxR_Shellcode_Blob
{
   meta:
      description = "Small, high-entropy or DPAPI-blob .TxR.N.regtrans-ms file without the UTF-16 REGISTRY marker of real registry transaction logs: encrypted TAXHAUL (COLDCAT) or Gopuram shellcode"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 0.4, 4.1, 7.1: SB (size/content anomaly idea replacing the FP-prone name IOC), [S] lazarus.day (DPAPI, host-bound)"
      date = "2026-11-26"
      score = 75
      family = "TAXHAUL / COLDCAT / Gopuram"
      evidence = "[V] anomaly, [I] DPAPI header check"
      remediation = "Look for wlbsctrl.dll in System32 and the IKEEXT service; collect both files before removal"
   strings:
      $reg = "REGISTRY" wide
      $dpapi = { 01 00 00 00 D0 8C 9D DF 01 15 D1 11 8C 7A 00 C0 4F C2 97 EB }
   condition:
      filename matches /\.TxR\.[0-9]+\.regtrans-ms$/i
      and filesize > 64 and filesize < 100KB
      and not $reg
      and ( $dpapi at 0 or math.entropy(0, filesize) > 7.0 )
}

/* COLDCAT is shellcode (decrypted from the TxR blob in memory); ICONIC beacons with the same
   cookie names. This rule looks at non-executable containers: carved shellcode, memory dumps. */
rule Harrier_UNC4736_COLDCAT_Cookie_Beacon_Blob
{
   meta:
      description = "Binary blob (not PE, ELF or Mach-O) with both C-string cookie names __tutma and __tutmc: COLDCAT or ICONIC beacon code in shellcode, carved data or a memory dump"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 2 and 6.6: ATTACK T1071.001 (COLDCAT cookies), [S] shiftdelete.net, VOL suri.rules"
      date = "2026-11-26"
      score = 70
      family = "COLDCAT / ICONIC"
      evidence = "[V] cookie names, [I] rule logic"
   strings:
      $c1 = "__tutma" ascii
      $c2 = "__tutmc" ascii
   condition:
      uint16(0) != 0x5A4D and uint32(0) != 0x464C457F
      and uint32(0) != 0xFEEDFACF and uint32(0) != 0xFEEDFACE and uint32be(0) != 0xCAFEBABE
      and filesize < 64MB
      and for any i in (1 .. #c1) : ( @c1[i] > 0 and uint8(@c1[i] - 1) == 0 )
      and for any j in (1 .. #c2) : ( @c2[j] > 0 and uint8(@c2[j] - 1) == 0 )
}

rule Harrier_3CX_Gopuram_Backdoor
{
   meta:
      description = "Gopuram backdoor or its modules (deployed through the 3CX compromise to selected crypto-currency victims): module key string, host-info format, auth timestamp field, Chrome 81 user agent, 0xDE87A325 file-name hash"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 2, 6.6, 7.4, 8.2: SB (Gopuram facts), [S] duo.com (Kaspersky)"
      date = "2026-11-26"
      score = 85
      family = "Gopuram"
      evidence = "[V]"
      remediation = "Isolate the host; look for guard64.dll in the 3CX folder, wlbsctrl.dll, krwve.jat and catroot2\\edb.chk.log"
   strings:
      $k = "vG2eZ1KOeGd2n5fr" ascii wide
      $s1 = "Windows %d(%d)-%s" ascii wide
      $s2 = "auth_timestamp: " ascii wide
      $ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36" ascii wide
      $x = { 81 F3 25 A3 87 DE }
   condition:
      uint16(0) == 0x5A4D and filesize < 5MB
      and ( $k or 2 of ($s1, $s2, $ua) or ( $x and 1 of ($s1, $s2, $ua) ) )
}
