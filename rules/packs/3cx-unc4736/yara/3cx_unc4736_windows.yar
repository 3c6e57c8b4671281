/*
   Harrier built-in YARA rules: 3CX DesktopApp supply-chain compromise, Windows chain
   (trojanized ffmpeg.dll / d3dcompiler_47.dll = SUDDENICON, ICONIC loader, ICONICSTEALER,
   GitHub .ico dead drop, hunting rules for binaries signed in the compromise window).

   Author:     Harrier team. Rules written by the team from public facts collected in
               shared/intel/3cx-unc4736.md (source keys in each rule's reference meta).
   Licence:    Harrier project licence. No rule text, condition or description was copied
               from signature-base or any other rule set; the byte strings are public facts
               (file strings, keys, markers) quoted in the intel file.
   Modules:    pe (libyara 4.2.3). No external variables.
   Scores:     THOR-style: 40 Notice, 60 Warning, 80+ Alert.
*/

import "pe"

/* The trojanized ffmpeg.dll that 3CXDesktopApp.exe side-loads. It opens
   d3dcompiler_47.dll, looks for the FE ED FA CE marker and RC4-decrypts what follows with a
   12-character key that is stored in clear in the DLL. */
rule Harrier_3CX_SUDDENICON_FFmpeg_Loader
{
   meta:
      description = "Trojanized 3CX ffmpeg.dll (SUDDENICON / ICONIC first stage): 64-bit DLL holding the RC4 key of the d3dcompiler_47.dll payload plus the carrier file name or its event name"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 3.3 and 7.4: ELA-BLOG https://www.elastic.co/security-labs/elastic-users-protected-from-suddenicon-supply-chain-attack ; SB (RC4 key, event name); ATTACK T1027.013"
      date = "2026-11-26"
      score = 95
      family = "SUDDENICON / ICONIC loader"
      evidence = "[V]"
      remediation = "Uninstall 3CX DesktopApp 18.12.407/416, use the 3CX web client (PWA), isolate the host and hunt for ICONICSTEALER and C2 traffic"
   strings:
      $key = "3jB(2bsG#@c7" ascii wide
      $evt = "AVMonitorRefreshEvent" ascii wide
      $carrier = "d3dcompiler_47.dll" ascii wide nocase
   condition:
      uint16(0) == 0x5A4D and filesize < 5MB
      and uint32(uint32(0x3C)) == 0x00004550
      and uint16(uint32(0x3C) + 0x18) == 0x020B
      and $key and 1 of ($evt, $carrier)
}

rule Harrier_3CX_SUDDENICON_RC4_Key
{
   meta:
      description = "PE or MSI (OLE) file containing the RC4 key used by the trojanized 3CX ffmpeg.dll to decrypt the payload hidden in d3dcompiler_47.dll"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 7.4: SB, ELA-BLOG, ATTACK T1027.013, MISP-Y (Mandiant key rule)"
      date = "2026-11-26"
      score = 85
      family = "SUDDENICON / ICONIC loader"
      evidence = "[V]"
      remediation = "Treat as the 3CX supply-chain loader: uninstall affected 3CX DesktopApp builds and investigate the host"
   strings:
      $key = "3jB(2bsG#@c7" ascii wide
   condition:
      ( uint16(0) == 0x5A4D or uint32(0) == 0xE011CFD0 ) and filesize < 200MB and $key
}

rule Harrier_3CX_SUDDENICON_Event_Name
{
   meta:
      description = "PE file that names the event object AVMonitorRefreshEvent, created by the trojanized 3CX ffmpeg.dll"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 7.1: SB; [S] emanueledelucia.net"
      date = "2026-11-26"
      score = 70
      family = "SUDDENICON / ICONIC loader"
      evidence = "[V]"
   strings:
      $evt = "AVMonitorRefreshEvent" ascii wide
   condition:
      uint16(0) == 0x5A4D and filesize < 10MB and $evt
}

/* The Microsoft-signed d3dcompiler_47.dll carrier: the doubled tag and the RC4 blob sit
   inside the Authenticode certificate table, so the signature still verifies on hosts
   without EnableCertPaddingCheck. A clean d3dcompiler_47.dll never holds the tag.
   The range ends at table end - 8 (the whole 8-byte tag inside the table; YARA's `in (a..b)`
   includes b): with `.. va + size` a tag starting right after the table, in the overlay,
   matched too (found by tests/unit/signatures/builtin_rules_test.cc). Same in the SigFlip
   rule below. */
rule Harrier_3CX_D3DCompiler_Certificate_Payload
{
   meta:
      description = "d3dcompiler_47.dll carrying a payload after the FE ED FA CE FE ED FA CE tag inside its certificate table (3CX SUDDENICON carrier, CVE-2013-3900 padding)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 2, 7.4 and 9: SOPH (payload after fe ed fa ce), ELA Windows_Trojan_SuddenIcon_bdae76c9, SIGFLIP, ATTACK T1055.002"
      date = "2026-11-26"
      score = 95
      family = "SUDDENICON carrier"
      evidence = "[V]"
      remediation = "Delete the 3CX DesktopApp install, reinstall a clean build or use the PWA; set EnableCertPaddingCheck (also under Wow6432Node)"
   strings:
      $tag = { FE ED FA CE FE ED FA CE }
      $pdb = "D3DCompiler_47.pdb" ascii nocase
      $name = "D3DCompiler_47.dll" ascii wide nocase
   condition:
      uint16(0) == 0x5A4D and filesize < 64MB
      and pe.data_directories[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].size > 0
      and $tag in (pe.data_directories[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].virtual_address ..
                   pe.data_directories[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].virtual_address +
                   pe.data_directories[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].size - 8)
      and 1 of ($pdb, $name)
}

rule Harrier_UNC4736_SigFlip_Tag_In_Certificate_Table
{
   meta:
      description = "Signed PE with the SigFlip default tag FE ED FA CE FE ED FA CE inside its Authenticode certificate table: data hidden in the signature padding (used by UNC4736 in the 3CX and X_TRADER stages)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 7.4 and 9: SIGFLIP SigLoader.cpp, ATTACK T1055.002, SOPH, ELA"
      date = "2026-11-26"
      score = 85
      family = "SIGFLIP carrier"
      evidence = "[V]"
      remediation = "Find the process that loads this file (side-loading host), check the file against the vendor original, enable EnableCertPaddingCheck"
   strings:
      $tag = { FE ED FA CE FE ED FA CE }
   condition:
      uint16(0) == 0x5A4D and filesize < 64MB
      and pe.data_directories[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].size > 0
      and $tag in (pe.data_directories[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].virtual_address ..
                   pe.data_directories[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].virtual_address +
                   pe.data_directories[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].size - 8)
}

/* The ICONIC loader (internal name samcli.dll) once decrypted: it fetches icon%d.ico from the
   IconStorages GitHub repository and beacons with __tutma / __tutmc cookies over AES-GCM. */
rule Harrier_3CX_ICONIC_Loader_Payload
{
   meta:
      description = "3CX ICONIC loader (decrypted samcli.dll stage): GitHub IconStorages icon dead drop, __tutma/__tutmc beacon cookies, AES-GCM"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 3.3 step 14-17, 6.3, 6.6: VOL apt_win_iconic and decrypt_ico.py, ELA SuddenIcon_99487621, SB, MSDEF SamScissors.SB"
      date = "2026-11-26"
      score = 90
      family = "ICONIC loader"
      evidence = "[V]"
      remediation = "Isolate the host, collect memory, uninstall 3CX DesktopApp 18.12.407/416 and hunt for ICONICSTEALER and the C2 domains"
   strings:
      $url = "raw.githubusercontent.com/IconStorages/images/main/icon" ascii wide
      $ico = "icon%d.ico" ascii wide
      $ck1 = "__tutma" ascii wide
      $ck2 = "__tutmc" ascii wide
      $s1 = "samcli.dll" ascii
      $s2 = "gzip, deflate, br" ascii wide
      $s3 = "ChainingModeGCM" ascii wide
   condition:
      uint16(0) == 0x5A4D and filesize < 3MB
      and (
         ( $url and 1 of ($ck*) )
         or ( $ico and all of ($ck*) and 1 of ($s1, $s3) )
         or ( all of ($ck*) and all of ($s*) )
      )
}

rule Harrier_3CX_ICONIC_Payload_Memory_Or_Blob
{
   meta:
      description = "3CX ICONIC payload outside a PE file (memory dump, carved or decrypted blob): UTF-16 IconStorages URL template with both beacon cookie names"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 6.3 and 8: VOL apt_win_iconic, ELA SuddenIcon_99487621, SB (UTF-16 URL template)"
      date = "2026-11-26"
      score = 80
      family = "ICONIC loader"
      evidence = "[V]"
   strings:
      $urlw = "raw.githubusercontent.com/IconStorages/images/main/icon" wide
      $ck1 = "__tutma" ascii wide
      $ck2 = "__tutmc" ascii wide
   condition:
      uint16(0) != 0x5A4D and filesize < 64MB and $urlw and all of ($ck*)
}

rule Harrier_3CX_ICONICSTEALER
{
   meta:
      description = "ICONICSTEALER: reads 3CXDesktopApp config.json and the last 500 browser history entries (Chrome, Edge, Brave, Firefox), builds a JSON host profile"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 2, 3.3 step 18, 4.1: VOL apt_win_iconicstealer, SB, ELA SuddenIcon_ac021ae0, SEK apt_3cx_payload_stealer, MSDEF, ATTACK T1217"
      date = "2026-11-26"
      score = 90
      family = "ICONICSTEALER"
      evidence = "[V]"
      remediation = "Assume 3CX account data and browser history were stolen: reset 3CX credentials, isolate the host, uninstall affected 3CX DesktopApp builds"
   strings:
      $cfg = "\\3CXDesktopApp\\config.json" ascii wide nocase
      $sql = "SELECT url, title FROM urls ORDER BY id DESC LIMIT 500" ascii wide nocase
      $banner = "****** %s ******" ascii wide
      $b1 = "BraveSoftware\\Brave-Browser\\User Data" ascii wide nocase
      $b2 = "Mozilla\\Firefox\\Profiles" ascii wide nocase
      $b3 = "Google\\Chrome\\User Data" ascii wide nocase
      $b4 = "places.sqlite" ascii wide
      $b5 = "%s.old" ascii wide
      $j1 = "HostName" ascii wide
      $j2 = "DomainName" ascii wide
      $j3 = "OsVersion" ascii wide
   condition:
      uint16(0) == 0x5A4D and filesize < 4MB
      and $cfg and 1 of ($sql, $banner)
      and ( 2 of ($b*) or all of ($j*) )
}

/* The GitHub dead-drop icons: a valid .ico whose embedded PNG ends with IEND, followed by
   '$' and a base64 blob (AES-256-GCM encrypted C2 URL). */
rule Harrier_3CX_ICONIC_DeadDrop_Icon
{
   meta:
      description = "ICO file with '$' plus a base64 blob appended after the PNG IEND chunk: ICONIC / UTA0040 C2 dead-drop icon (IconStorages)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 7.3: VOL apt_ico_uta0040_b64_c2 and attachments/decrypt_ico.py; SOPH (icon13.ico)"
      date = "2026-11-26"
      score = 85
      family = "ICONIC dead drop"
      evidence = "[V]"
      remediation = "Find the process that downloaded the icon (3CXDesktopApp.exe) and treat that host as compromised"
   strings:
      $blob = /IEND\xAE\x42\x60\x82\$[A-Za-z0-9+\/]{16,}/
   condition:
      uint32(0) == 0x00010000 and filesize < 256KB
      and for any i in (1 .. #blob) : ( @blob[i] >= filesize - 4096 )
}

rule Harrier_3CX_ICONIC_DeadDrop_PNG
{
   meta:
      description = "PNG file with '$' plus a base64 blob appended after the IEND chunk: same trailer layout as the ICONIC dead-drop icons (variant hunting)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 7.3: VOL apt_ico_uta0040_b64_c2 (layout); PNG carrier variant is [I]"
      date = "2026-11-26"
      score = 60
      family = "ICONIC dead drop"
      evidence = "[I]"
   strings:
      $blob = /IEND\xAE\x42\x60\x82\$[A-Za-z0-9+\/]{16,}/
   condition:
      uint32be(0) == 0x89504E47 and filesize < 256KB
      and for any i in (1 .. #blob) : ( @blob[i] >= filesize - 4096 )
}

/* Hunting: 3CX-signed binaries and installers from the compromise window. The certificate
   is the legitimate 3CX Ltd one, so these rules flag "affected era", not malice by
   themselves; the version inventory and the hash IOCs give the verdict. */
rule Harrier_3CX_Signed_PE_Compromise_Window
{
   meta:
      description = "PE signed with the 3CX Ltd certificate used on the trojanized builds, with a PE timestamp between 2022-11-29 and 2023-03-29 (3CX DesktopApp binary of the compromise window)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 1.1: SB (serial, timestamp window), VOL informational_win_3cx_msi, MISP-Y"
      date = "2026-11-26"
      score = 60
      family = "3CX DesktopApp affected build"
      evidence = "[V]"
      remediation = "Check the 3CX DesktopApp version; 18.12.407/416 are affected: uninstall and use the PWA"
   strings:
      $serial = { 02 10 1B 66 11 DF 9C 9A 4D 6E CC 8E D5 0C 9B 91 78 73 }
      $org = "3CX Ltd1"
      $prod = "3CX Desktop App" wide
   condition:
      uint16(0) == 0x5A4D and filesize < 200MB
      and pe.timestamp >= 1669680000 and pe.timestamp < 1680134400
      and $serial and $org and $prod
}

rule Harrier_3CX_Signed_MSI_March2023
{
   meta:
      description = "3CX DesktopApp MSI signed with the 3CX Ltd certificate of the trojanized builds and a March 2023 signing time (18.12.407/416 era installer)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 1.1 and 8: SB, VOL informational_win_3cx_msi, MISP-Y M_Hunting_MSI_Installer_3CX_1"
      date = "2026-11-26"
      score = 65
      family = "3CX DesktopApp affected build"
      evidence = "[V]"
      remediation = "Do not install; check the hash against the affected installers and delete"
   strings:
      $serial = { 1B 66 11 DF 9C 9A 4D 6E CC 8E D5 0C 9B 91 78 73 }
      $org = "3CX Ltd1"
      $month = "202303"
      $app = "3CXDesktopApp" ascii wide
   condition:
      uint32(0) == 0xE011CFD0 and filesize > 20MB and filesize < 200MB
      and $serial and $app
      and $org in (filesize - 20000 .. filesize)
      and $month in (filesize - 20000 .. filesize)
}
