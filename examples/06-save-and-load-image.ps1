<#
.SYNOPSIS
    docker save / docker load: make an image from a changed container, write it as an OCI layout (what
    skopeo, Podman and Kubernetes read), import it back under another name and run it.
#>
param([string]$RootFs = (Join-Path $PSScriptRoot '../out/rootfs'))
if (-not (Get-Module MiniDocker)) { Import-Module (Join-Path $PSScriptRoot '../out/MiniDocker') }

$work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-example-save-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$c = New-MiniContainer $RootFs sh, -c, 'echo made-in-a-container > /greeting' | Start-MiniContainer -Wait -PassThru
try {
    $c | ConvertTo-MiniImage -ImageName example/greeting:1 | Out-Null
    $layout = Save-MiniImage example/greeting:1 -Path (Join-Path $work 'layout') -Format OciLayout   # alias Export-MiniImage
    "layout: $(@(Get-ChildItem $layout -Name) -join ', ')"
    $back = Import-MiniImage $layout -Name example/loaded:1
    $r = New-MiniContainer -Image $back.ToString() -Command cat, /greeting
    $r | Start-MiniContainer -Wait
    $r | Remove-MiniContainer -Force
} finally {
    $c | Remove-MiniContainer -Force
    Remove-MiniImage example/greeting:1, example/loaded:1 -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
# Expect: ^layout: blobs, index\.json, oci-layout$
# Expect: ^made-in-a-container$
