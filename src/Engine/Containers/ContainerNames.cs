using System;
using System.Collections.Generic;

namespace MiniDocker.Engine.Containers
{
    /// <summary>Friendly default names (adjective_noun), like docker's, unique among existing containers.</summary>
    public static class ContainerNames
    {
        private static readonly string[] Adjectives = { "brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lucid", "merry", "nimble", "proud", "quiet", "rapid", "sharp", "tidy", "vivid", "witty", "young", "zesty" };
        private static readonly string[] Nouns = { "otter", "falcon", "badger", "heron", "lynx", "panda", "quokka", "raven", "salmon", "tapir", "walrus", "yak", "zebra", "gecko", "ibis", "koala", "marten", "newt", "orca", "puffin" };

        public static string Generate(ISet<string> taken) => Generate(taken.Contains);

        /// <summary>A free name; TAKEN answers for one name at a time (the name index), so no list of every name is built.</summary>
        public static string Generate(Func<string, bool> taken)
        {
            for (int i = 0; ; i++)
            {
                string name = Adjectives[KernelRandom.GetInt32(Adjectives.Length)] + "_" + Nouns[KernelRandom.GetInt32(Nouns.Length)];
                if (i > 20) name += "_" + KernelRandom.GetInt32(1000, 10000);
                if (!taken(name)) return name;
            }
        }
    }
}
