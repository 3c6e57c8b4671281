/*
   Harrier built-in YARA rules: 3CX DesktopApp supply-chain compromise, macOS chain
   (trojanized libffmpeg.dylib, UpdateAgent second stage, app binaries signed for the
   affected builds).

   Author:     Harrier team. Rules written by the team from public facts collected in
               shared/intel/3cx-unc4736.md (source keys in each rule's reference meta).
   Licence:    Harrier project licence. Nothing copied from signature-base or other rule
               sets; strings are public facts quoted in the intel file.
   Modules:    none. Mach-O is recognised by its magic: 0xFEEDFACF / 0xFEEDFACE (thin,
               read little-endian) or 0xCAFEBABE (fat, read big-endian) with a small
               architecture count so that Java class files (same magic) do not qualify.
   Scores:     THOR-style: 40 Notice, 60 Warning, 80+ Alert.
*/

rule Harrier_3CX_macOS_libffmpeg_Backdoor
{
   meta:
      description = "Trojanized 3CX libffmpeg.dylib (macOS first stage): XOR-0x7a encoded user agent, cookie format or SystemVersion.plist path, or the UpdateAgent / .main_storage path formats"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 3.4 step 20-21, 6.6, 7.4: SB (XOR 0x7a strings, path formats), S1Y mal_macos_smoothoperator, VOL apt_mac_iconic, [S] WARDLE"
      date = "2026-11-26"
      score = 95
      family = "SmoothOperator libffmpeg.dylib"
      evidence = "[V]"
      remediation = "Uninstall 3CX Desktop App (18.11.1213, 18.12.402/407/416), use the PWA, delete ~/Library/Application Support/3CX Desktop App/UpdateAgent and .main_storage, investigate the Mac"
   strings:
      $x1 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.5359.128 Safari/537.36" xor(0x7a)
      $x2 = ";3cx_auth_token_content=%s;__tutma=" xor(0x7a)
      $x3 = "/System/Library/CoreServices/SystemVersion.plist" xor(0x7a)
      $p1 = "%s/.main_storage"
      $p2 = "%s/UpdateAgent"
   condition:
      ( uint32(0) == 0xFEEDFACF or uint32(0) == 0xFEEDFACE or ( uint32be(0) == 0xCAFEBABE and uint32be(4) < 8 ) )
      and filesize < 40MB
      and ( 1 of ($x*) or all of ($p*) )
}

rule Harrier_3CX_macOS_UpdateAgent
{
   meta:
      description = "3CX macOS second stage UpdateAgent: ad-hoc signing identifier, 3cx_auth cookie format, sbmsa.wiki exfil URL, or .main_storage + config.json with its own function names"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 3.4 step 22, 7.2: MSDEF Trojan:MacOS/SamScissors.B, S1Y, SEK implant_mac_smoothoperator_update_agent, [S] WARDLE"
      date = "2026-11-26"
      score = 95
      family = "SmoothOperator UpdateAgent"
      evidence = "[V]"
      remediation = "Treat the Mac as compromised: 3CX account data was sent out; reset 3CX credentials, remove the 3CX Desktop App and its Application Support folder, investigate"
   strings:
      $id = "payload2-55554944839216049d683075bc3f5a8628778bb8"
      $ck = "3cx_auth_id=%s;3cx_auth_token_content=%s;__tutma=true"
      $url = "https://sbmsa.wiki/blog/_insert"
      $ms = ".main_storage"
      $cfg = "config.json"
      $f1 = "parse_json_config"
      $f2 = "enc_text"
      $acct = "\"AccountName\": \""
   condition:
      ( uint32(0) == 0xFEEDFACF or uint32(0) == 0xFEEDFACE or ( uint32be(0) == 0xCAFEBABE and uint32be(4) < 8 ) )
      and filesize < 10MB
      and ( 1 of ($id, $ck, $url) or ( $ms and $cfg and 1 of ($f1, $f2, $acct) ) )
}

rule Harrier_3CX_macOS_XOR_Encoded_Beacon_Strings
{
   meta:
      description = "Mach-O holding '3CX Desktop App' and '__tutma=' each encoded with a single-byte XOR key (3CX macOS ICONIC-style payload variants)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 8.3: VOL apt_mac_iconic (single-byte XOR idea); 7.4 XOR 0x7a"
      date = "2026-11-26"
      score = 80
      family = "SmoothOperator"
      evidence = "[V]"
   strings:
      $a = "3CX Desktop App" xor(0x01-0xff)
      $b = "__tutma=" xor(0x01-0xff)
   condition:
      ( uint32(0) == 0xFEEDFACF or uint32(0) == 0xFEEDFACE or ( uint32be(0) == 0xCAFEBABE and uint32be(4) < 8 ) )
      and filesize < 40MB and $a and $b
}

rule Harrier_3CX_macOS_App_Signed_For_Affected_Build
{
   meta:
      description = "3CX Desktop App Mach-O carrying the Developer ID signature made on 2023-03-13 06:41:52 UTC for the trojanized macOS builds (affected release)"
      author = "Harrier team"
      reference = "intel 3cx-unc4736.md 1.1: SB (signing time and team id of the malicious samples)"
      date = "2026-11-26"
      score = 80
      family = "3CX DesktopApp affected build"
      evidence = "[V]"
      remediation = "Uninstall 3CX Desktop App, use the PWA, then look for UpdateAgent / .main_storage in ~/Library/Application Support/3CX Desktop App"
   strings:
      $ts = "20230313064152Z"
      $team = "3CX (33CF4654HL)"
   condition:
      ( uint32(0) == 0xFEEDFACF or uint32(0) == 0xFEEDFACE or ( uint32be(0) == 0xCAFEBABE and uint32be(4) < 8 ) )
      and filesize < 400MB and $ts and $team
}
